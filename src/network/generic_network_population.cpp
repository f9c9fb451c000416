#include "network/generic_network_population.hpp"

#include <algorithm>

namespace lapicque::network {

GenericNetworkPopulation::GenericNetworkPopulation(std::string name, std::size_t size, double dt,
                                                   std::vector<std::unique_ptr<Population>> cores)
    : NetworkPopulation(std::move(name), size, dt),
      cores_(std::move(cores)),
      input_(padded_, 0.0),
      found_(padded_) {}

void GenericNetworkPopulation::step(std::size_t begin, std::size_t end, std::int64_t n, SpikeBuffer& spikes) {
  end = std::min(end, size_);
  if (begin >= end) return;
  external_input(begin, end, n);          // the held part; the stimulus is the smooth input of the context
  const std::size_t t = share_of(begin);  // [begin, end) lies in that share
  const double* held = has_held_input() ? held_.base(t) : nullptr;
  for (std::size_t i = begin; i < end; ++i) {
    const double V = core(i).state(0, local(i));
    double I = held != nullptr ? held[i] : 0.0;
    for (std::size_t c = 0; c < channels_.size(); ++c) {
      const auto& ch = channels_[c];
      if (ch.kind == SynapseKind::delta) continue;
      const double s = s_[c].base(t)[i];
      I += is_conductance(ch.kind) ? s * (ch.E_rev - V) : s;
    }
    input_[i] = I;
  }
  StepContext context;
  context.step = n;
  context.dt = dt_;
  context.t = static_cast<double>(n) * dt_;
  context.smooth = stimulus_ && stimulus_->has_smooth() ? stimulus_.get() : nullptr;
  if (cores_.size() == 1) {
    for (std::size_t i = begin; i < end; ++i) found_[i].clear();
    cores_[0]->advance(begin, end, context, input_, found_);
  } else {
    for (std::size_t i = begin; i < end; ++i) {
      SpikeTimes one(1);
      cores_[i]->advance(0, 1, context, std::span<const double>(input_).subspan(i, 1), one);
      found_[i] = std::move(one[0]);
    }
  }
  advance_channels(begin, end, n);
  const double t_end = context.t_end();
  double* jumps = nullptr;
  for (std::size_t c = 0; c < channels_.size(); ++c)
    if (channels_[c].kind == SynapseKind::delta) jumps = arrivals(c, n + 1, t);
  for (std::size_t i = begin; i < end; ++i) {
    for (double t : found_[i]) spikes.push_back({static_cast<std::uint32_t>(i), t});
    if (jumps != nullptr && jumps[i] != 0) {
      if (core(i).refractory_until(local(i)) <= t_end) core(i).add_to_state(0, local(i), jumps[i]);
      jumps[i] = 0;
    }
  }
}

bool GenericNetworkPopulation::set_initial(const std::string& variable, std::size_t neuron, double value) {
  const auto info = core(neuron).state_info();
  for (std::size_t k = 0; k < info.size(); ++k)
    if (info[k].name == variable) {
      core(neuron).set_state(k, local(neuron), value);
      return true;
    }
  return false;
}

std::vector<VariableInfo> GenericNetworkPopulation::variables() const {
  std::vector<VariableInfo> out;
  for (const auto& s : cores_[0]->state_info()) out.push_back({std::string(s.name), std::string(s.unit)});
  for (auto& v : channel_variables()) out.push_back(std::move(v));
  return out;
}

double GenericNetworkPopulation::value(std::size_t variable, std::size_t neuron, std::int64_t /*n*/) const {
  const std::size_t n_state = cores_[0]->state_info().size();
  return variable < n_state ? core(neuron).state(variable, local(neuron))
                            : channel_value(variable - n_state, neuron);
}

}  // namespace lapicque::network
