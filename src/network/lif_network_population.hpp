// The LIF population of a network, vectorised over neurons (one SIMD register of neurons per
// instruction) and integrated exactly where a closed form exists:
//   - with current synapses only, V, I and the alpha drives form a linear system whose step
//     propagator is exact (NEST's iaf_psc_exp/alpha scheme);
//   - with conductance synapses, V takes the exact solution of its linear equation with the
//     conductances held at their values at t_n (exponential Euler: unconditionally stable, V
//     stays between the reversal potentials), and the conductances themselves decay exactly.
// Spikes are found at the grid points, V is held at V_reset for t_ref (a whole number of steps)
// while the synapses go on; delta inputs arriving during the hold are lost, as in NEST.
#pragma once

#include <vector>

#include "models/lif.hpp"
#include "network/network_population.hpp"

namespace lapicque::network {

class LifNetworkPopulation final : public NetworkPopulation {
 public:
  // `params` holds one entry (every neuron alike) or one per neuron.
  LifNetworkPopulation(std::string name, std::size_t size, double dt,
                       const std::vector<models::Lif::Params>& params);
  ~LifNetworkPopulation() override;

  void allocate(const std::vector<std::size_t>& ring_lengths, const std::vector<std::size_t>& cuts) override;
  void step(std::size_t begin, std::size_t end, std::int64_t n, SpikeBuffer& spikes) override;
  bool can_read_counts(std::size_t c) const override;
  void read_counts(std::size_t c, ShardedArray<std::uint16_t>* counts, double weight) override;
  bool reads_on_arrival(std::size_t c) const override;
  bool set_initial(const std::string& variable, std::size_t neuron, double value) override;
  std::vector<VariableInfo> variables() const override;
  double value(std::size_t variable, std::size_t neuron, std::int64_t n) const override;

 private:
  ShardedArray<double> V_;           // [mV] (in a hold: not read, reported as V_reset)
  ShardedArray<double> held_until_;  // the last step of the hold, -1 before any spike
  PerNeuron E_L_, V_th_, V_reset_, g_L_, inverse_g_L_, decay_, step_over_C_, hold_steps_;
  PerNeuron tau_m_, C_m_;
  std::vector<PerNeuron> from_s_, from_x_;  // per current channel: exact coupling into V
  bool conductance_ = false;                // any conductance channel: exponential Euler for V
  std::size_t delta_channel_ = static_cast<std::size_t>(-1);
  struct CountedInput {  // a channel's only input as spike counts (see read_counts)
    ShardedArray<std::uint16_t>* counts = nullptr;
    double weight = 0;
  };
  std::vector<CountedInput> counted_;  // per channel; counts nullptr: the channel's ring of doubles
  struct KernelCall;                   // a share's kernel and its arguments (see the .cpp)
  std::vector<KernelCall> calls_;      // [share]
  void prepare(KernelCall& call, std::size_t t);
  void end_holds(std::vector<std::uint32_t>& ending, std::size_t begin, std::size_t end, std::int64_t n);
};

}  // namespace lapicque::network
