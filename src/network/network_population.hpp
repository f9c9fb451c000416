// A population inside a network: its neurons' state, its synaptic channels and the ring of
// per-step input buffers that spike delivery writes into.
//
// Step n advances neurons from t_n to t_{n+1}: the membrane moves with the synaptic variables as
// they are at t_n, then delta jumps arriving at t_{n+1} are added, and only then is the threshold
// checked at t_{n+1}. A spike found there is stamped t_{n+1} and reaches targets at t_{n+1} + d.
// The input of a synaptic channel that arrives at t_n (spikes delivered into the buffer of grid
// point n) is part of its value at t_n. A channel "read on arrival" takes it at the start of step
// n (the LIF kernel's current and conductance channels); the others take it at the end of step
// n - 1, with their own decay. The numbers are the same; a channel read on arrival only needs its
// input one step later, so the engine's epochs (the spikes' way between threads) can be one
// step longer than the shortest delay onto it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/line_aligned_vector.hpp"
#include "lapicque/input.hpp"
#include "lapicque/network.hpp"
#include "network/sharded_array.hpp"
#include "network/synapse_channel.hpp"

namespace lapicque::network {

// A neuron-indexed table of one parameter: one value when it is the same for all neurons.
struct PerNeuron {
  double value = 0;
  core::LineAlignedVector<double> values;  // empty when uniform
  bool uniform() const { return values.empty(); }
  double operator[](std::size_t i) const { return values.empty() ? value : values[i]; }
};

// A readable variable of a population for the state recorder.
struct VariableInfo {
  std::string name, unit;
};

// The spikes one thread finds in a step: written at every step by that thread alone, so on
// lines of their own (a buffer beside another thread's passed its line from core to core).
using SpikeBuffer = core::LineAlignedVector<NetworkSpike>;

class NetworkPopulation {
 public:
  // Arrays are padded to a multiple of `lanes` neurons so vector loops need no tail.
  static constexpr std::size_t lanes = 8;

  NetworkPopulation(std::string name, std::size_t size, double dt)
      : name_(std::move(name)), size_(size), padded_((size + lanes - 1) / lanes * lanes), dt_(dt) {}
  virtual ~NetworkPopulation() = default;

  const std::string& name() const { return name_; }
  std::size_t size() const { return size_; }
  std::size_t padded_size() const { return padded_; }

  void add_channel(const ChannelSpec& c) { channels_.emplace_back(c.kind, c.tau, c.E_rev, c.name, dt_); }
  // The channel of this kind, time constant and reversal potential (one of channels_of()).
  std::size_t channel(SynapseKind kind, double tau, double E_rev) const {
    std::size_t c = 0;
    while (c + 1 < channels_.size() && !channels_[c].same(kind, tau, E_rev)) ++c;
    return c;
  }
  const std::vector<SynapseChannel>& channels() const { return channels_; }

  // Called once every channel is known: channel c's ring holds ring_lengths[c] grid points, and
  // the arrays the threads write are cut into their shares of neurons, [cuts[t], cuts[t + 1])
  // (0 to padded_size()), each share's part in an allocation of its own (see sharded_array.hpp).
  virtual void allocate(const std::vector<std::size_t>& ring_lengths, const std::vector<std::size_t>& cuts) {
    cuts_ = cuts;
    ring_lengths_ = ring_lengths;
    ring_lengths_.resize(channels_.size(), 2);
    ring_.clear();
    s_.clear();
    x_.clear();
    for (std::size_t c = 0; c < channels_.size(); ++c) {
      const auto& ch = channels_[c];
      ring_.emplace_back(padded_, 0.0, ring_lengths_[c]);
      ring_.back().cut(cuts);
      s_.emplace_back(padded_, 0.0);
      s_.back().cut(cuts);
      x_.emplace_back(is_alpha(ch.kind) ? padded_ : 0, 0.0);
      if (is_alpha(ch.kind)) x_.back().cut(cuts);
    }
    if (stimulus_) held_.cut(cuts);
  }
  // The share (of allocate's cuts) that holds neuron i.
  std::size_t share_of(std::size_t i) const { return network::share_of(cuts_, i); }
  // Whether this population's kernel can take channel c's only input (one projection, one
  // weight [pA, nS or mV], one delay) as spike counts: it then reads each step's row of counts
  // itself, weighs it and clears it, and the engine writes nothing into the channel's ring.
  virtual bool can_read_counts(std::size_t /*c*/) const { return false; }
  // Hands over those counts (only where can_read_counts(c)): the row of grid point g at g % rows,
  // cut as the population's arrays are; each count weighs `weight`.
  virtual void read_counts(std::size_t /*c*/, ShardedArray<std::uint16_t>* /*counts*/, double /*weight*/) {}
  // Whether channel c's input arriving at t_n is read by step n itself (true), or already by
  // step n - 1 (false: delta jumps, and the channels of populations that step them at the end).
  virtual bool reads_on_arrival(std::size_t /*c*/) const { return false; }
  // The buffer of input arriving at grid point `grid` on channel `c`, indexed by neuron, for the
  // neurons of share t.
  double* arrivals(std::size_t c, std::int64_t grid, std::size_t t) {
    return ring_[c].base(t, static_cast<std::size_t>(grid % static_cast<std::int64_t>(ring_lengths_[c])));
  }

  // Sets the initial value of a synaptic variable ("g_E"); false if there is none of that name.
  bool set_synaptic(const std::string& variable, std::size_t neuron, double value) {
    for (std::size_t c = 0; c < channels_.size(); ++c)
      if (channels_[c].name == variable && channels_[c].kind != SynapseKind::delta) {
        s_[c].at(neuron) = value;
        return true;
      }
    return false;
  }

  // Current inputs of the single-neuron lab aimed at this population (noise drawn per neuron).
  void set_current_input(Stimulus stimulus) {
    stimulus_ = std::make_unique<Stimulus>(std::move(stimulus));
    stimulus_->resize(padded_);
    held_ = ShardedArray<double>(padded_, 0.0);
    if (!cuts_.empty()) held_.cut(cuts_);
  }

  // Advances neurons [begin, end) (multiples of `lanes`, or end = padded_size()) over step n and
  // appends their spikes.
  virtual void step(std::size_t begin, std::size_t end, std::int64_t n, SpikeBuffer& spikes) = 0;

  // Sets the initial value of a state variable ("V_m", ...) of one neuron; false if unknown.
  virtual bool set_initial(const std::string& variable, std::size_t neuron, double value) = 0;

  // State variables then synaptic variables, as the recorder names them; value() at t_n, read
  // before step n.
  virtual std::vector<VariableInfo> variables() const = 0;
  virtual double value(std::size_t variable, std::size_t neuron, std::int64_t n) const = 0;

 protected:
  // The external current of neurons [begin, end) over step n (smooth part at t_n plus held part).
  // Returns the smooth part; held_ holds the rest when there is any.
  double external_input(std::size_t begin, std::size_t end, std::int64_t n) {
    if (!stimulus_) return 0.0;
    const double smooth = stimulus_->has_smooth() ? stimulus_->at(static_cast<double>(n) * dt_) : 0.0;
    if (stimulus_->has_held() && begin < end) {
      double* held = held_.base(share_of(begin));
      std::fill(held + begin, held + end, 0.0);
      // (a span from the share's base: only [begin, end) is written through it)
      stimulus_->add_held(n, begin, end, std::span<double>(held, end));
    }
    return smooth;
  }
  bool has_held_input() const { return stimulus_ && stimulus_->has_held(); }

  // The synaptic variables' own update over step n for neurons [begin, end): decay, then the
  // input arriving at t_{n+1}, whose buffer is cleared for reuse. Delta channels are left to
  // the model (they move V).
  void advance_channels(std::size_t begin, std::size_t end, std::int64_t n) {
    for (std::size_t c = 0; c < channels_.size(); ++c) {
      const auto& ch = channels_[c];
      if (ch.kind == SynapseKind::delta) continue;
      const std::size_t t = share_of(begin);
      double* in = arrivals(c, n + 1, t);
      double* s = s_[c].base(t);
      double* x = is_alpha(ch.kind) ? x_[c].base(t) : nullptr;
      const double d = ch.decay, kick = ch.kick, h = dt_;
      if (is_alpha(ch.kind)) {
#pragma omp simd
        for (std::size_t i = begin; i < end; ++i) {
          s[i] = (s[i] + h * x[i]) * d;
          x[i] = x[i] * d + in[i] * kick;
          in[i] = 0;
        }
      } else {
#pragma omp simd
        for (std::size_t i = begin; i < end; ++i) {
          s[i] = s[i] * d + in[i];
          in[i] = 0;
        }
      }
    }
  }

  std::vector<VariableInfo> channel_variables() const {
    std::vector<VariableInfo> out;
    for (const auto& c : channels_)
      if (c.kind != SynapseKind::delta) out.push_back({c.name, std::string(c.unit())});
    return out;
  }
  double channel_value(std::size_t k, std::size_t neuron) const {
    for (std::size_t c = 0; c < channels_.size(); ++c)
      if (channels_[c].kind != SynapseKind::delta && k-- == 0) return s_[c].at(neuron);
    return 0.0;
  }

  std::string name_;
  std::size_t size_, padded_;
  double dt_;
  std::vector<SynapseChannel> channels_;
  std::vector<std::size_t> ring_lengths_;  // per channel: rows of its ring (see allocate)
  std::vector<std::size_t> cuts_;          // the threads' shares (see allocate)
  // What the threads write at every step, each share's part on pages of its own.
  std::vector<ShardedArray<double>> ring_;   // per channel: ring_lengths_[c] rows
  std::vector<ShardedArray<double>> s_, x_;  // per channel: I or g, and the alpha drive x (alpha only)
  std::unique_ptr<Stimulus> stimulus_;
  ShardedArray<double> held_;
};

// Builds the population of `spec` (its model, parameters drawn per neuron from the network's
// streams): the vectorised LIF population for the lif models under their default (`exact`)
// method, the model's own integrator otherwise. Throws ParameterError with keys
// "population[k].neuron.<name>".
std::unique_ptr<NetworkPopulation> make_network_population(const PopulationSpec& spec, std::size_t index,
                                                           const NetworkSpec& network);

}  // namespace lapicque::network
