// Any neuron model in a network, through its own integrator (the single-neuron lab's
// populations): the synaptic current at t_n, I = sum I_syn + sum g (E_rev - V), is held over the
// step like the lab's noise. Delta inputs move V after the step, except during the hold.
#pragma once

#include <memory>
#include <vector>

#include "lapicque/model.hpp"
#include "network/network_population.hpp"

namespace lapicque::network {

class GenericNetworkPopulation final : public NetworkPopulation {
 public:
  // `cores` holds one population of `size` neurons (parameters alike) or `size` populations of
  // one neuron each (parameters drawn per neuron).
  GenericNetworkPopulation(std::string name, std::size_t size, double dt,
                           std::vector<std::unique_ptr<Population>> cores);

  void step(std::size_t begin, std::size_t end, std::int64_t n, SpikeBuffer& spikes) override;
  bool set_initial(const std::string& variable, std::size_t neuron, double value) override;
  std::vector<VariableInfo> variables() const override;
  double value(std::size_t variable, std::size_t neuron, std::int64_t n) const override;

 private:
  Population& core(std::size_t neuron) { return *cores_[cores_.size() == 1 ? 0 : neuron]; }
  const Population& core(std::size_t neuron) const { return *cores_[cores_.size() == 1 ? 0 : neuron]; }
  std::size_t local(std::size_t neuron) const { return cores_.size() == 1 ? neuron : 0; }

  std::vector<std::unique_ptr<Population>> cores_;
  core::LineAlignedVector<double> input_;  // per neuron: the held input of the step [pA]
  SpikeTimes found_;                       // per neuron: the spikes of the step
};

}  // namespace lapicque::network
