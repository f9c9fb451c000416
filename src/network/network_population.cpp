// Building a network population from its description: parameters drawn per neuron, then the
// vectorised LIF population or the model's own integrator.
#include "network/network_population.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lapicque/error.hpp"
#include "lapicque/model.hpp"
#include "models/lif_params.hpp"
#include "network/draw.hpp"
#include "network/generic_network_population.hpp"
#include "network/lif_network_population.hpp"

namespace lapicque::network {

namespace {

bool is_state(const Model& model, const std::string& name) {
  for (const auto& s : model.state())
    if (s.name == name) return true;
  return false;
}

std::unique_ptr<NetworkPopulation> make_neurons(const PopulationSpec& spec, std::size_t index,
                                                const NetworkSpec& network) {
  const Model* model = find_model(spec.model);
  const std::string prefix = fmt::format("population[{}].", index);
  Integration integration;
  integration.dt = network.dt;
  integration.method = model->default_method();
  if (!network.method.empty()) {
    const auto method = parse_method(network.method);
    if (!method)
      throw ParameterError("method", "\"" + network.method + "\"",
                           "unknown integration method; " +
                               unknown_name_hint(network.method, {"exact", "euler", "rk4", "adaptive"}));
    integration.method = *method;
  }

  const auto channels = channels_of(network, spec.name);
  const auto synaptic = [&](const std::string& name) {
    return std::any_of(channels.begin(), channels.end(), [&](const auto& c) { return c.name == name; });
  };
  ParamValues constant;
  std::vector<std::size_t> drawn;  // indices into spec.neuron
  bool parameters_drawn = false;
  for (std::size_t k = 0; k < spec.neuron.size(); ++k) {
    const auto& [name, d] = spec.neuron[k];
    if (synaptic(name)) continue;  // set by the engine once the channels exist
    if (d.is_constant()) {
      constant.emplace_back(name, d.a);
    } else {
      drawn.push_back(k);
      parameters_drawn = parameters_drawn || !is_state(*model, name);
    }
  }
  // The values of neuron i: the constant ones, then its draws (each key from its own stream).
  const auto values_of = [&](std::size_t i) {
    ParamValues given = constant;
    for (std::size_t k : drawn) {
      core::CounterRng rng(network.seed, neuron_parameter_stream + index * 4096 + k, i);
      given.emplace_back(spec.neuron[k].first,
                         draw(spec.neuron[k].second, rng, prefix + "neuron." + spec.neuron[k].first));
    }
    return given;
  };
  const auto named = [&](const ParameterError& e, std::size_t neuron) {
    const bool general = e.key() == "dt" || e.key() == "method";
    return ParameterError(general ? e.key() : prefix + "neuron." + e.key(),
                          drawn.empty() ? e.value() : fmt::format("{} (neuron {})", e.value(), neuron),
                          e.allowed());
  };
  try {
    model->check_integration(constant, integration);
  } catch (const ParameterError& e) {
    throw named(e, 0);
  }

  std::size_t neuron = 0;
  try {
    if (integration.method == Method::exact) {
      if (auto first = models::lif_params(model, drawn.empty() ? constant : values_of(0))) {
        std::vector<models::Lif::Params> params{*first};
        if (!drawn.empty())
          for (neuron = 1; neuron < spec.size; ++neuron)
            params.push_back(*models::lif_params(model, values_of(neuron)));
        neuron = 0;
        return std::make_unique<LifNetworkPopulation>(spec.name, spec.size, network.dt, params);
      }
    }
    std::vector<std::unique_ptr<Population>> cores;
    if (parameters_drawn) {
      for (neuron = 0; neuron < spec.size; ++neuron)
        cores.push_back(model->make_population(values_of(neuron), 1, integration));
      return std::make_unique<GenericNetworkPopulation>(spec.name, spec.size, network.dt, std::move(cores));
    }
    cores.push_back(model->make_population(constant, spec.size, integration));
    auto population =
        std::make_unique<GenericNetworkPopulation>(spec.name, spec.size, network.dt, std::move(cores));
    if (!drawn.empty())
      for (neuron = 0; neuron < spec.size; ++neuron)
        for (const auto& [name, value] : values_of(neuron))
          if (is_state(*model, name)) population->set_initial(name, neuron, value);
    return population;
  } catch (const ParameterError& e) {
    throw named(e, neuron);
  }
}

}  // namespace

std::unique_ptr<NetworkPopulation> make_network_population(const PopulationSpec& spec, std::size_t index,
                                                           const NetworkSpec& network) {
  auto population = make_neurons(spec, index, network);
  for (const auto& c : channels_of(network, spec.name)) population->add_channel(c);
  return population;
}

}  // namespace lapicque::network
