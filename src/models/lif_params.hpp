// The LIF parameters behind any spelling of the LIF model (lif, lif_rm, lif_norm), for the
// network's vectorised LIF population.
#pragma once

#include <optional>

#include "lapicque/model.hpp"
#include "models/lif.hpp"

namespace lapicque::models {

// Resolved parameters when `model` is one of the LIF spellings, nothing otherwise. Throws
// ParameterError as Model::resolve does.
std::optional<Lif::Params> lif_params(const Model* model, const ParamValues& given);

}  // namespace lapicque::models
