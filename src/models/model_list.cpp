// The one list of all neuron models. Adding a model: write its header, add one line here.
#include <array>

#include "models/adex.hpp"
#include "models/alif.hpp"
#include "models/hh.hpp"
#include "models/izhikevich.hpp"
#include "models/lif.hpp"
#include "models/lif_params.hpp"
#include "models/model_adapter.hpp"

namespace lapicque {

namespace {
const models::ModelAdapter<models::Lif> lif;
const models::ModelAdapter<models::LifRm> lif_rm;
const models::ModelAdapter<models::LifNorm> lif_norm;
const models::ModelAdapter<models::Alif> alif;
const models::ModelAdapter<models::Adex> adex;
const models::ModelAdapter<models::Izhikevich> izhikevich;
const models::ModelAdapter<models::Hh> hh;
const std::array<const Model*, 7> every_model{&lif, &lif_rm, &lif_norm, &alif, &adex, &izhikevich, &hh};
}  // namespace

std::span<const Model* const> all_models() {
  return every_model;
}

const Model* find_model(std::string_view name) {
  for (const Model* model : every_model)
    if (model->name() == name) return model;
  return nullptr;
}

std::optional<models::Lif::Params> models::lif_params(const Model* model, const ParamValues& given) {
  if (model == &lif) return lif.resolve_params(given);
  if (model == &lif_rm) return lif_rm.resolve_params(given);
  if (model == &lif_norm) return lif_norm.resolve_params(given);
  return std::nullopt;
}

std::vector<std::string_view> model_names() {
  std::vector<std::string_view> names;
  for (const Model* model : every_model) names.push_back(model->name());
  return names;
}

}  // namespace lapicque
