#include "network/lif_network_population.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <type_traits>
#include <utility>

#include "core/line_aligned_vector.hpp"
#include "core/simd.hpp"
#include "lapicque/error.hpp"

namespace lapicque::network {

namespace {

using core::DoubleMask;
using core::Doubles;
namespace stdx = std::experimental;
static_assert(NetworkPopulation::lanes % core::simd_width == 0);
constexpr std::size_t max_channels = 16;  // distinct synaptic channels onto one population

template <class F>
PerNeuron table(const std::vector<models::Lif::Params>& params, std::size_t padded, F&& f) {
  PerNeuron out;
  out.value = f(params[0]);
  const bool same =
      std::all_of(params.begin(), params.end(), [&](const auto& p) { return f(p) == out.value; });
  if (!same) {
    out.values.assign(padded, out.value);
    for (std::size_t i = 0; i < params.size(); ++i) out.values[i] = f(params[i]);
  }
  return out;
}

}  // namespace

LifNetworkPopulation::LifNetworkPopulation(std::string name, std::size_t size, double dt,
                                           const std::vector<models::Lif::Params>& params)
    : NetworkPopulation(std::move(name), size, dt), V_(padded_), held_until_(padded_, -1.0) {
  const std::size_t P = padded_;
  E_L_ = table(params, P, [](const auto& p) { return p.E_L; });
  V_th_ = table(params, P, [](const auto& p) { return p.V_th; });
  V_reset_ = table(params, P, [](const auto& p) { return p.V_reset; });
  g_L_ = table(params, P, [](const auto& p) { return p.g_L; });
  inverse_g_L_ = table(params, P, [](const auto& p) { return 1 / p.g_L; });
  decay_ = table(params, P, [&](const auto& p) { return std::exp(-dt / p.tau_m); });
  step_over_C_ = table(params, P, [&](const auto& p) { return dt / p.C_m; });
  tau_m_ = table(params, P, [](const auto& p) { return p.tau_m; });
  C_m_ = table(params, P, [](const auto& p) { return p.C_m; });
  for (const auto& p : params) {
    const double steps = p.t_ref / dt;
    if (!on_grid(p.t_ref, dt))
      throw ParameterError(
          "t_ref", format_double(p.t_ref) + " ms",
          fmt::format("in a network the refractory period must be a whole number of steps of "
                      "dt = {} ms (neurons spike on the grid), e.g. {} or {} ms",
                      dt, format_double(std::floor(steps) * dt), format_double(std::ceil(steps) * dt)));
  }
  hold_steps_ = table(params, P, [&](const auto& p) { return std::round(p.t_ref / dt); });
  for (std::size_t i = 0; i < P; ++i) V_.at(i) = params[i < params.size() ? i : 0].V_m;
}

void LifNetworkPopulation::allocate(const std::vector<std::size_t>& ring_lengths,
                                    const std::vector<std::size_t>& cuts) {
  if (channels_.size() > max_channels)
    throw ParameterError(
        "projection", fmt::format("{} synaptic channels onto {}", channels_.size(), name_),
        fmt::format("at most {} distinct (synapse, tau_syn, E_rev) onto one population; share "
                    "time constants between projections",
                    max_channels));
  NetworkPopulation::allocate(ring_lengths, cuts);
  calls_ = std::vector<KernelCall>(cuts.size() > 1 ? cuts.size() - 1 : 1);
  V_.cut(cuts);
  held_until_.cut(cuts);
  counted_.assign(channels_.size(), {});
  from_s_.assign(channels_.size(), {});
  from_x_.assign(channels_.size(), {});
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    const auto& ch = channels_[c];
    if (ch.kind == SynapseKind::delta) delta_channel_ = c;
    if (is_conductance(ch.kind)) conductance_ = true;
    if (ch.kind == SynapseKind::delta || is_conductance(ch.kind)) continue;
    // The coupling depends on tau_m and C_m only: one value unless they vary by neuron.
    const auto coupling = [&](std::size_t i) { return current_coupling(tau_m_[i], C_m_[i], ch.tau, dt_); };
    from_s_[c].value = coupling(0).from_s;
    from_x_[c].value = coupling(0).from_x;
    if (!tau_m_.uniform() || !C_m_.uniform()) {
      from_s_[c].values.resize(padded_);
      from_x_[c].values.resize(padded_);
      for (std::size_t i = 0; i < padded_; ++i) {
        const auto k = coupling(i);
        from_s_[c].values[i] = k.from_s;
        from_x_[c].values[i] = k.from_x;
      }
    }
  }
}

namespace {

// A parameter table as the kernel reads it: locals that no store through a double* can alias,
// so the compiler keeps them in registers.
struct Column {
  double value;
  const double* values;  // nullptr: every neuron has `value`
  Doubles at(std::size_t i) const {
    return values != nullptr ? Doubles(values + i, stdx::vector_aligned) : Doubles(value);
  }
};
Column column(const PerNeuron& p) {
  return {p.value, p.uniform() ? nullptr : p.values.data()};
}

struct ChannelView {
  double* s;
  double* x;               // alpha only, else nullptr
  double* in;              // arrivals at t_{n+1}, or nullptr when counted:
  std::uint16_t* counted;  // spikes arriving at t_{n+1}, each of weight `weight`
  double weight;
  double decay, kick, E_rev;
  bool conductance;
  Column from_s, from_x;
};

}  // namespace

namespace {

// Where a neuron's V waits out its hold (see the kernel's threshold): far enough below any
// threshold that the usual inputs of a hold do not bring it back; finite, for the checks of V.
constexpr double parked_V = -1e9;  // [mV]

// The buckets of the holds' last steps, one a step up to this many: a hold longer waits in its
// bucket through a turn or more of the ring (end_holds checks the step), and the ring's memory
// stays small whatever t_ref / dt.
constexpr std::size_t max_hold_ring = 1024;

// What one step of the kernel reads and writes.
struct StepArrays {
  double* V;
  double* held_until;  // the last step of each neuron's hold (read past threshold, written at spikes)
  std::vector<std::uint32_t>* hold_ends;  // [last step of the hold % hold_ring]: the share's neurons
  std::size_t hold_ring;                  // buckets: 1 + the longest hold in steps, at most max_hold_ring
  double* jumps;                          // delta arrivals at t_{n+1}, or nullptr
  const double* input;                    // per-neuron external input, or nullptr
  double smooth;                          // external input shared by all neurons
  Column E_L, V_th, V_reset, g_L, inverse_g_L, decay, step_over_C, hold_steps;
  const ChannelView* channels;  // (apart: copying max_channels views for every call cost COBA 2%)
  std::size_t count;            // channels in use (delta excluded)
  double h, t_spike, step;      // step: n, as a double
  std::size_t size;
};

// What a step's channels read, for kernels compiled without a branch in their loop: `rows`, every
// channel exponential with its arrivals in rows of the ring and no per-neuron input or delta jump
// (COBA's); `counts`, the same with every channel's arrivals counted (CUBA's); `any`, the rest.
enum class Inputs { rows, counts, any };

// One pass per SIMD vector of neurons: the input arriving at t_n completes the synaptic variables
// at t_n; V from t_n to t_{n+1} under them and the external input; the synaptic variables' own
// decay to t_{n+1} (their input there comes with the next step); delta jumps arriving at t_{n+1};
// then the threshold and the refractory hold at t_{n+1}. Compiled for each number of channels up
// to 4 (Count = 0 reads a.count), for parameters alike or not, and for each kind of Inputs, so
// that the usual networks run without a branch or a reload in the loop. Every array the kernel
// reads lies on whole lines from each share's first neuron (sharded_array.hpp, LineAlignedVector),
// so its vectors are loaded and stored aligned (GCC splits unaligned 256-bit stores in two when it
// tunes for Zen).
template <std::size_t Count, bool Conductance, bool Uniform, Inputs In>
DoubleMask lif_step(const StepArrays& arrays, std::size_t begin, std::size_t end, SpikeBuffer& spikes) {
  // A local copy: no store through the state pointers can reach it, so its pointers and
  // parameters stay in registers (read through the reference, they were reloaded at every vector).
  const StepArrays a = arrays;
  const auto at = [](const Column& c, std::size_t i) {
    if constexpr (Uniform)
      return Doubles(c.value);
    else
      return c.at(i);
  };
  const std::size_t count = Count > 0 ? Count : a.count;
  const auto fixed = [&]<std::size_t... c>(std::index_sequence<c...>) {
    return std::array<ChannelView, Count>{a.channels[c]...};
  }
  (std::make_index_sequence<Count>{});
  const auto channel = [&](std::size_t c) -> const ChannelView& {
    if constexpr (Count > 0)
      return fixed[c];
    else
      return a.channels[c];
  };
  DoubleMask nonfinite(false);  // lanes whose V was found NaN or infinite
  // K consecutive vectors at once, each phase over all K before the next (unrolled): their chains
  // of dependent operations (the exponential, the division) interleave, so that the processor
  // always has independent work at hand. Each vector's arithmetic is the same whatever K.
  const auto vectors = [&]<std::size_t K>(std::size_t first, std::integral_constant<std::size_t, K>)
      __attribute__((always_inline)) {
    constexpr std::size_t w = core::simd_width;
    // The synaptic variables at t_n: what the last step left, plus what arrives at t_n.
    std::array<std::array<Doubles, (Count > 0 ? Count : max_channels)>, K> s_now, x_now;
    std::array<Doubles, K> v;
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t i = first + k * w;
      for (std::size_t c = 0; c < count; ++c) {
        const auto& ch = channel(c);
        Doubles in;
        if (In == Inputs::counts || (In == Inputs::any && ch.counted != nullptr)) {
          // (left to fuse into s + in: where count x weight is exact, as the ring's sum of the
          // weights is then, the fused sum is the same to the bit; one operation less a channel)
          in = core::counts_as_doubles(ch.counted + i) * ch.weight;
          if (k + 1 == K) core::zero_counts<K * w>(ch.counted + first);  // (all K vectors' at once)
        } else {
          in = Doubles(ch.in + i, stdx::vector_aligned);
          Doubles(0.0).copy_to(ch.in + i, stdx::vector_aligned);
        }
        const Doubles s(ch.s + i, stdx::vector_aligned);
        if (In == Inputs::any && ch.x != nullptr) {
          s_now[k][c] = s;
          x_now[k][c] = Doubles(ch.x + i, stdx::vector_aligned) + in * ch.kick;
        } else {
          s_now[k][c] = s + in;
          x_now[k][c] = Doubles(0.0);  // (unused: an exponential channel has no drive)
        }
      }
      v[k] = Doubles(a.V + i, stdx::vector_aligned);
    }
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t i = first + k * w;
      Doubles current = a.smooth;
      if (In == Inputs::any && a.input != nullptr) current += Doubles(a.input + i, stdx::vector_aligned);
      if constexpr (!Conductance) {
        const Doubles V_inf = at(a.E_L, i) + current * at(a.inverse_g_L, i);
        v[k] = V_inf + (v[k] - V_inf) * at(a.decay, i);
        for (std::size_t c = 0; c < count; ++c) {
          const auto& ch = channel(c);
          v[k] += at(ch.from_s, i) * s_now[k][c];
          if (In == Inputs::any && ch.x != nullptr) v[k] += at(ch.from_x, i) * x_now[k][c];
        }
      } else {
        // C dV/dt = -G (V - E) with G = g_L + sum g and E = (g_L E_L + sum g E_rev + I) / G, all
        // held over the step: V moves by (1 - e^-x) (E - V), x = G dt / C. Kept as x and
        // x E = drive (dt / C) so that the usual step, 0 <= x <= 1/2 (COBA's G below 1,000 nS),
        // takes it as (drive - x V) (1 - e^-x) / x: a polynomial, no exponential, no division.
        const Doubles leak = at(a.g_L, i), step_over_C = at(a.step_over_C, i);
        Doubles G = leak, drive = step_over_C * (leak * at(a.E_L, i) + current);
        for (std::size_t c = 0; c < count; ++c) {
          const auto& ch = channel(c);
          if (ch.conductance) {
            G += s_now[k][c];
            drive += s_now[k][c] * (step_over_C * ch.E_rev);
          } else {
            drive += s_now[k][c] * step_over_C;
          }
        }
        const Doubles x = step_over_C * G;
        if (core::every_lane(x >= 0.0 && x <= core::one_minus_exp_over_x_limit)) [[likely]] {
          v[k] += (drive - x * v[k]) * core::one_minus_exp_over_x_small(x);
        } else {
          // (Clamped: a decay of 3e-308 makes V its limit as 0 would.)
          const Doubles decay = core::exp_clamped(-x);
          const Doubles V_inf = drive / x;
          v[k] = V_inf + (v[k] - V_inf) * decay;
        }
      }
    }
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t i = first + k * w;
      for (std::size_t c = 0; c < count; ++c) {
        const auto& ch = channel(c);
        if (In == Inputs::any && ch.x != nullptr) {
          ((s_now[k][c] + a.h * x_now[k][c]) * ch.decay).copy_to(ch.s + i, stdx::vector_aligned);
          (x_now[k][c] * ch.decay).copy_to(ch.x + i, stdx::vector_aligned);
        } else {
          (s_now[k][c] * ch.decay).copy_to(ch.s + i, stdx::vector_aligned);
        }
      }
      if (In == Inputs::any && a.jumps != nullptr) {
        v[k] += Doubles(a.jumps + i, stdx::vector_aligned);
        Doubles(0.0).copy_to(a.jumps + i, stdx::vector_aligned);
      }
      // Not all below threshold: a spike, a V no longer finite (NaN compares false, +inf would
      // spike), or a held neuron past threshold. All are rare, so the usual vector takes one
      // comparison and one test (every_lane: any_of the negation took a third operation) and
      // reads nothing of the hold. (A separate multiply-add a vector to catch NaN cost CUBA's
      // kernel 5%; -inf, which stays below threshold, is left to the caller's periodic scan.)
      // A held neuron's V is not used while the hold lasts: value() reports V_reset, and
      // end_holds() sets V_reset at its last step, for the neuron to start again from there.
      // Till then V is parked far below threshold, so as not to come here at every step (left
      // at V_reset, COBA's crossed it: 1.22x the time); the mask below catches it if it does.
      // (Reading the end of the hold at every vector, or setting V_reset at every step of the
      // hold, each cost CUBA 4-5%.)
      if (!core::every_lane(v[k] < at(a.V_th, i))) [[unlikely]] {
        nonfinite = nonfinite || (v[k] - v[k] != 0.0);
        const Doubles until(a.held_until + i, stdx::vector_aligned);
        const DoubleMask fire = v[k] >= at(a.V_th, i) && Doubles(a.step) > until;
        stdx::where(fire, v[k]) = parked_V;
        Doubles next = until;
        stdx::where(fire, next) = a.step + at(a.hold_steps, i);
        next.copy_to(a.held_until + i, stdx::vector_aligned);
        for (unsigned lanes = core::lane_bits(fire); lanes != 0; lanes &= lanes - 1) {
          const auto lane = std::countr_zero(lanes);
          const std::size_t neuron = i + static_cast<std::size_t>(lane);
          // (padding too: held alike)
          a.hold_ends[static_cast<std::size_t>(next[lane]) % a.hold_ring].push_back(
              static_cast<std::uint32_t>(neuron));
          if (neuron < a.size) spikes.push_back({static_cast<std::uint32_t>(neuron), a.t_spike});
        }
      }
      v[k].copy_to(a.V + i, stdx::vector_aligned);
    }
  };
  // (Two: COBA's kernel 9% faster, CUBA's 6%, measured 2026-12-06; four spilled registers.)
  constexpr std::size_t together = 2;
  std::size_t i = begin;
  for (; i + together * core::simd_width <= end; i += together * core::simd_width)
    vectors(i, std::integral_constant<std::size_t, together>{});
  for (; i < end; i += core::simd_width) vectors(i, std::integral_constant<std::size_t, 1>{});
  return nonfinite;
}

// The kernel's signature, chosen once per share (see LifNetworkPopulation::KernelCall).
using Kernel = DoubleMask (*)(const StepArrays&, std::size_t, std::size_t, SpikeBuffer&);

template <bool Conductance, bool Uniform, Inputs In>
Kernel kernel_for_count(std::size_t count) {
  switch (count) {
    case 1:
      return &lif_step<1, Conductance, Uniform, In>;
    case 2:
      return &lif_step<2, Conductance, Uniform, In>;
    case 3:
      return &lif_step<3, Conductance, Uniform, In>;
    case 4:
      return &lif_step<4, Conductance, Uniform, In>;
    default:
      return &lif_step<0, Conductance, Uniform, In>;
  }
}

// Which inputs the arrays hold (pointers set or not) picks the kernel's Inputs.
template <bool Conductance, bool Uniform>
Kernel kernel_for(const StepArrays& a) {
  bool rows = a.input == nullptr && a.jumps == nullptr, counts = rows;
  for (std::size_t c = 0; c < a.count; ++c) {
    rows = rows && a.channels[c].x == nullptr && a.channels[c].counted == nullptr;
    counts = counts && a.channels[c].x == nullptr && a.channels[c].counted != nullptr;
  }
  if (rows) return kernel_for_count<Conductance, Uniform, Inputs::rows>(a.count);
  if (counts) return kernel_for_count<Conductance, Uniform, Inputs::counts>(a.count);
  return kernel_for_count<Conductance, Uniform, Inputs::any>(a.count);
}

}  // namespace

// A share's kernel arguments: set up at its first step, for what stays from step to step (every
// pointer to state and parameters, the kernel itself); each step then sets only what moves with
// n. (Built anew at every step, they took CUBA's two threads 5% of their time.) On lines of its
// own: each share's thread writes its own at every step.
struct alignas(core::false_sharing_bytes) LifNetworkPopulation::KernelCall {
  bool ready = false;
  Kernel kernel = nullptr;
  StepArrays arrays{};
  std::array<ChannelView, max_channels> channels{};
  std::array<std::size_t, max_channels> channel_of{};  // the population's channel of each view
  std::vector<std::vector<std::uint32_t>> hold_ends;   // see StepArrays (kept through prepare)
};

LifNetworkPopulation::~LifNetworkPopulation() = default;

void LifNetworkPopulation::prepare(KernelCall& call, std::size_t t) {
  StepArrays& a = call.arrays;
  a.count = 0;
  a.channels = call.channels.data();
  a.input = has_held_input() ? held_.base(t) : nullptr;
  if (call.hold_ends.empty()) {  // (once: the holds in them go on through a new prepare)
    double longest_hold = hold_steps_.value;
    for (const double h : hold_steps_.values) longest_hold = std::max(longest_hold, h);
    call.hold_ends.resize(std::min(max_hold_ring, 1 + static_cast<std::size_t>(longest_hold)));
  }
  a.hold_ends = call.hold_ends.data();
  a.hold_ring = call.hold_ends.size();
  bool uniform = true;
  for (const auto* p : {&E_L_, &V_th_, &V_reset_, &g_L_, &inverse_g_L_, &decay_, &step_over_C_, &hold_steps_})
    uniform = uniform && p->uniform();
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    const auto& ch = channels_[c];
    if (ch.kind == SynapseKind::delta) continue;
    uniform = uniform && from_s_[c].uniform() && from_x_[c].uniform();
    const CountedInput& counted = counted_[c];
    call.channel_of[a.count] = c;
    call.channels[a.count++] = {s_[c].base(t),
                                is_alpha(ch.kind) ? x_[c].base(t) : nullptr,
                                counted.counts != nullptr ? nullptr : arrivals(c, 0, t),
                                counted.counts != nullptr ? counted.counts->base(t, 0) : nullptr,
                                counted.weight,
                                ch.decay,
                                ch.kick,
                                ch.E_rev,
                                is_conductance(ch.kind),
                                column(from_s_[c]),
                                column(from_x_[c])};
  }
  a.V = V_.base(t);
  a.held_until = held_until_.base(t);
  a.jumps = delta_channel_ < channels_.size() ? arrivals(delta_channel_, 1, t) : nullptr;
  a.E_L = column(E_L_);
  a.V_th = column(V_th_);
  a.V_reset = column(V_reset_);
  a.g_L = column(g_L_);
  a.inverse_g_L = column(inverse_g_L_);
  a.decay = column(decay_);
  a.step_over_C = column(step_over_C_);
  a.hold_steps = column(hold_steps_);
  a.h = dt_;
  a.size = size_;
  call.kernel = conductance_ ? (uniform ? kernel_for<true, true>(a) : kernel_for<true, false>(a))
                             : (uniform ? kernel_for<false, true>(a) : kernel_for<false, false>(a));
  call.ready = true;
}

void LifNetworkPopulation::step(std::size_t begin, std::size_t end, std::int64_t n, SpikeBuffer& spikes) {
  if (begin >= end) return;
  const std::size_t t = share_of(begin);  // [begin, end) lies in that share
  KernelCall& call = calls_[t];
  if (!call.ready) prepare(call, t);
  StepArrays& a = call.arrays;
  a.smooth = external_input(begin, end, n);
  a.input = has_held_input() ? held_.base(t) : nullptr;  // (re-read: set_current_input reallocates it)
  for (std::size_t k = 0; k < a.count; ++k) {
    const std::size_t c = call.channel_of[k];
    ChannelView& view = call.channels[k];
    if (view.counted != nullptr)
      view.counted = counted_[c].counts->base(t, static_cast<std::size_t>(n) % counted_[c].counts->rows());
    else
      view.in = arrivals(c, n, t);
  }
  if (a.jumps != nullptr) a.jumps = arrivals(delta_channel_, n + 1, t);
  a.t_spike = grid_time(n + 1, dt_);
  a.step = static_cast<double>(n);
  const DoubleMask bad = call.kernel(a, begin, end, spikes);
  end_holds(call.hold_ends[static_cast<std::size_t>(n) % call.hold_ends.size()], begin, end, n);
  // The kernel finds NaN and +inf as they appear; -inf stays below threshold, never spikes and so
  // is never reset: a scan every few steps finds it.
  constexpr std::int64_t scan_every = 32;
  const auto finite = [&] {
    const std::size_t last = std::min(end, size_), w = core::simd_width;
    Doubles zero(0.0);  // V times zero, summed: NaN once one V is not finite
    std::size_t i = begin;
    for (; i + w <= last; i += w) zero += Doubles(a.V + i, stdx::vector_aligned) * 0.0;
    for (; i < last; ++i) zero[0] += a.V[i] * 0.0;
    return stdx::all_of(zero == 0.0);
  };
  if (stdx::any_of(bad) || (n % scan_every == 0 && !finite()))
    throw SimulationError(
        fmt::format("population {}: V_m became infinite or NaN by t = {} ms (neurons "
                    "{} to {}); check the weights and inputs (or use a smaller dt)",
                    name_, a.t_spike, begin, std::min(end, size_) - 1));
}

// The neurons whose hold ends at step n start again from V_reset (see the kernel). `ending` is
// the bucket of n: it also holds the neurons of longer holds that end a turn of the ring later.
void LifNetworkPopulation::end_holds(std::vector<std::uint32_t>& ending, std::size_t begin, std::size_t end,
                                     std::int64_t n) {
  double* V = V_.base(share_of(begin));  // (indexed by neuron, as the kernel's arrays)
  const double* until = held_until_.base(share_of(begin));
  for (std::size_t k = 0; k < ending.size();) {
    const std::uint32_t i = ending[k];
    if (i < begin || i >= end || until[i] > static_cast<double>(n)) {
      ++k;
    } else {
      V[i] = V_reset_[i];
      ending[k] = ending.back();
      ending.pop_back();
    }
  }
}

bool LifNetworkPopulation::can_read_counts(std::size_t c) const {
  if (c >= channels_.size() || channels_[c].kind == SynapseKind::delta) return false;  // jumps of V
  // Only where the kernel is bound by the bytes it moves. The conductance kernel is bound by its
  // division and exponential, and the conversion of the counts costs it more than the bytes save
  // (COBA 1 thread, 5 s, six pairs of runs: 0.85-1.00 of the speed; CUBA: 0.99-1.24).
  return !conductance_;
}

void LifNetworkPopulation::read_counts(std::size_t c, ShardedArray<std::uint16_t>* counts, double weight) {
  counted_[c] = {counts, weight};
  for (auto& call : calls_) call.ready = false;
}

bool LifNetworkPopulation::set_initial(const std::string& variable, std::size_t neuron, double value) {
  if (variable != "V_m") return false;
  V_.at(neuron) = value;
  return true;
}

std::vector<VariableInfo> LifNetworkPopulation::variables() const {
  std::vector<VariableInfo> out{{"V_m", "mV"}};
  for (auto& v : channel_variables()) out.push_back(std::move(v));
  return out;
}

bool LifNetworkPopulation::reads_on_arrival(std::size_t c) const {
  return c < channels_.size() && channels_[c].kind != SynapseKind::delta;
}

double LifNetworkPopulation::value(std::size_t variable, std::size_t neuron, std::int64_t n) const {
  if (variable == 0)  // (t_n follows step n - 1: held if it fired then or its hold goes on)
    return n > 0 && held_until_.at(neuron) >= static_cast<double>(n - 1) ? V_reset_[neuron] : V_.at(neuron);
  // Channel k's value at t_n: what step n - 1 left, plus the exponential channel's input
  // arriving at t_n, which step n adds first (an alpha channel's goes into its drive x).
  std::size_t c = 0;
  for (std::size_t k = variable - 1;; ++c)
    if (channels_[c].kind != SynapseKind::delta && k-- == 0) break;
  double value = s_[c].at(neuron);
  if (is_alpha(channels_[c].kind)) return value;
  const CountedInput& counted = counted_[c];
  if (counted.counts != nullptr)  // (fused, as the kernel sums it)
    return std::fma(counted.counts->at(neuron, static_cast<std::size_t>(n) % counted.counts->rows()),
                    counted.weight, value);
  return value +
         ring_[c].at(neuron, static_cast<std::size_t>(n % static_cast<std::int64_t>(ring_lengths_[c])));
}

}  // namespace lapicque::network
