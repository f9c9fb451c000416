// The network engine against closed forms and its own promises: the PSP of exponential and
// alpha current synapses, delays exact to the step, conductances bounded by their reversal
// potentials, the same spikes on any number of threads, and refusals before anything is built.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <numbers>
#include <string>

#include "core/simd.hpp"
#include "lapicque/error.hpp"
#include "lapicque/network.hpp"
#include "network/poisson_counts.hpp"

namespace lapicque {
namespace {

constexpr double C_m = 250, tau_m = 10, E_L = -70;  // pF, ms, mV

// One LIF neuron (threshold out of reach unless given) receiving the spikes of `times` through
// one projection; V_m recorded.
NetworkSpec one_synapse(SynapseKind kind, double tau_syn, double weight, double delay,
                        std::vector<double> times = {10.0}) {
  NetworkSpec n;
  n.duration = 60;
  n.dt = 0.1;
  n.populations.push_back({"post", 1, "lif", {{"C_m", {}}, {"tau_m", {}}, {"E_L", {}}, {"V_th", {}}}});
  n.populations[0].neuron[0].second.a = C_m;
  n.populations[0].neuron[1].second.a = tau_m;
  n.populations[0].neuron[2].second.a = E_L;
  n.populations[0].neuron[3].second.a = 1000;  // never fires
  SourceSpec s;
  s.name = "pre";
  s.type = "spike_times";
  s.size = 1;
  s.times = {std::move(times)};
  n.sources.push_back(s);
  ProjectionSpec j;
  j.source = "pre";
  j.target = "post";
  j.rule.rule = Rule::all_to_all;
  j.synapse = kind;
  j.tau_syn = tau_syn;
  j.weight.a = weight;
  j.delay.a = delay;
  n.projections.push_back(j);
  n.record.state.push_back({"post", {"V_m"}, {0}});
  return n;
}

bool is_alpha(SynapseKind kind) {
  return kind == SynapseKind::alpha_current;
}

// V(u) - E_L after one spike, u ms after it arrives, by numerical quadrature of
// (1/C) int_0^u e^{-(u-s)/tau_m} I(s) ds (Simpson's rule, independent of the engine's algebra).
double psp_by_quadrature(double u, double weight, double tau_syn, bool alpha) {
  const int n = 20000;
  const double h = u / n;
  double sum = 0;
  for (int k = 0; k <= n; ++k) {
    const double s = k * h;
    const double I =
        alpha ? weight * (s / tau_syn) * std::exp(1 - s / tau_syn) : weight * std::exp(-s / tau_syn);
    const double f = std::exp(-(u - s) / tau_m) * I;
    sum += f * (k == 0 || k == n ? 1 : (k % 2 == 1 ? 4 : 2));
  }
  return sum * h / 3 / C_m;
}

// `unlike`: four target neurons whose thresholds (never reached) are drawn, so that the kernel
// compiled for neurons of unlike parameters runs.
void expect_psp(SynapseKind kind, double tau_syn, bool unlike = false) {
  const double weight = 100, delay = 1.0, spike = 10.0;  // pA, ms, ms
  auto spec = one_synapse(kind, tau_syn, weight, delay);
  if (unlike) {
    spec.populations[0].size = 4;
    spec.populations[0].neuron[3].second = {Distribution::Kind::uniform, 1000, 2000};
    spec.record.state[0].neurons = {0, 1, 2, 3};
  }
  const auto result = simulate(spec);
  ASSERT_EQ(result.traces.size(), unlike ? 4u : 1u);
  for (const auto& trace : result.traces) {
    const auto& V = trace.values;
    double peak = 0;
    for (std::size_t n = 0; n < V.size(); ++n) {
      const double t = static_cast<double>(n) * 0.1, u = t - (spike + delay);
      const double expected = u <= 1e-9 ? 0.0 : psp_by_quadrature(u, weight, tau_syn, is_alpha(kind));
      ASSERT_NEAR(V[n] - E_L, expected, 1e-9) << "t = " << t << " ms, neuron " << trace.neuron;
      peak = std::max(peak, V[n] - E_L);
    }
    EXPECT_GT(peak, 0.1);  // a PSP of a visible size was compared
  }
}

TEST(NetworkPsp, ExponentialCurrentMatchesClosedForm) {
  expect_psp(SynapseKind::exp_current, 2.0);
  expect_psp(SynapseKind::exp_current, 0.5);
  expect_psp(SynapseKind::exp_current, 2.0, true);
  expect_psp(SynapseKind::alpha_current, 2.0, true);
}

TEST(NetworkPsp, ExponentialCurrentWithTauSynEqualTauM) {
  expect_psp(SynapseKind::exp_current, tau_m);
}

TEST(NetworkPsp, AlphaCurrentMatchesClosedForm) {
  expect_psp(SynapseKind::alpha_current, 2.0);
  expect_psp(SynapseKind::alpha_current, tau_m);
}

// A spike sent at t acts from t + d exactly: a delta jump appears at grid point t + d, not one
// step earlier or later, for several delays.
TEST(NetworkDelay, DeltaJumpArrivesExactlyAfterTheDelay) {
  for (double delay : {0.1, 0.7, 1.5, 2.3}) {
    const auto result = simulate(one_synapse(SynapseKind::delta, 5, 2.0, delay, {5.0, 20.0}));
    const auto& V = result.traces.at(0).values;
    for (std::size_t n = 0; n < V.size(); ++n) {
      const double t = static_cast<double>(n) * 0.1;
      const int arrived = (t >= 5 + delay - 1e-9) + (t >= 20 + delay - 1e-9);
      const double expected = arrived == 0   ? E_L
                              : arrived == 1 ? E_L + 2.0 * std::exp(-(t - 5 - delay) / tau_m)
                                             : E_L + 2.0 * std::exp(-(t - 5 - delay) / tau_m) +
                                                   2.0 * std::exp(-(t - 20 - delay) / tau_m);
      ASSERT_NEAR(V[n], expected, 1e-9) << "delay " << delay << " ms, t = " << t << " ms";
    }
  }
}

// Every synapse of a multapse delivers: three sources spiking at once onto targets that each drew
// k of them with repeats raise every target's V by k J, however the k fall on the three, on 1 to
// 3 threads, through the buffer of doubles (k = 7) and through the counts (k = 300).
TEST(NetworkDelivery, EverySynapseOfAMultapseDelivers) {
  for (const std::uint64_t k : {7, 300})
    for (const std::size_t threads : {1, 2, 3}) {
      NetworkSpec n = one_synapse(SynapseKind::delta, 5, 0.01, 1.0);
      n.populations[0].size = 200;
      n.populations[0].neuron[2].second.a = 0;  // E_L = V_m = 0 mV
      n.sources[0].size = 3;
      n.sources[0].times = {{5.0}, {5.0}, {5.0}};
      n.projections[0].rule.rule = Rule::fixed_indegree;
      n.projections[0].rule.number = k;
      n.record.state[0].neurons = {0, 63, 64, 130, 199};
      const auto result = simulate(n, threads);
      for (const auto& trace : result.traces) {
        ASSERT_EQ(trace.values.at(59), 0.0);
        ASSERT_NEAR(trace.values.at(60), 0.01 * static_cast<double>(k), 1e-12)
            << "k " << k << ", " << threads << " threads, neuron " << trace.neuron;
      }
    }
}

// Neuron A, driven by a constant current [pA], projects one to one onto neuron B.
NetworkSpec driven_pair(const PopulationSpec& a, const PopulationSpec& b, double amplitude, SynapseKind kind,
                        double tau_syn, double weight, double delay) {
  NetworkSpec n;
  n.populations = {a, b};
  DriveSpec drive;
  drive.target = "A";
  drive.input.type = "constant";
  drive.input.values = {{"amplitude", amplitude}};
  n.drives.push_back(drive);
  ProjectionSpec j;
  j.source = "A";
  j.target = "B";
  j.rule.rule = Rule::one_to_one;
  j.synapse = kind;
  j.tau_syn = tau_syn;
  j.weight.a = weight;
  j.delay.a = delay;
  n.projections.push_back(j);
  return n;
}

// A neuron's spike at t makes its target (kicked above threshold by a delta jump) fire at
// t + d: exactly, for every spike.
TEST(NetworkDelay, SpikeOfANeuronReachesItsTargetAfterTheDelay) {
  // (30 mV: B fires on arrival)
  auto n = driven_pair({"A", 1, "lif", {}}, {"B", 1, "lif", {}}, 500, SynapseKind::delta, 5, 30, 3.2);
  n.duration = 200;
  const auto result = simulate(n);
  const auto& sent = result.populations[0].spikes;
  const auto& received = result.populations[1].spikes;
  ASSERT_GE(sent.size(), 5u);
  ASSERT_GE(received.size(), sent.size() - 1);
  for (std::size_t k = 0; k < received.size(); ++k) EXPECT_NEAR(received[k].t, sent[k].t + 3.2, 1e-9);
}

// The refractory hold: from each spike at t_s, V is V_reset at every grid point up to t_s + t_ref
// and the neuron does not fire, although its rest lies above threshold and a strong current keeps
// arriving; the first step after the hold moves V on from V_reset. Thirteen neurons (padding in
// the last vector), rests alike or drawn (the kernels for like and unlike parameters), t_ref from 0
// to 110 ms (1,100 steps: longer than the engine's ring of holds' ends, 1,024 steps).
TEST(NetworkRefractory, HeldAtResetForExactlyTRefWhateverArrives) {
  struct Case {
    double t_ref, duration;  // [ms]
    std::size_t spikes;      // at least, for each neuron
  };
  for (const Case c : {Case{0.0, 60, 5}, Case{0.1, 60, 5}, Case{2.0, 60, 5}, Case{110.0, 600, 4}}) {
    for (const bool unlike : {false, true}) {
      auto spec = one_synapse(SynapseKind::exp_current, 2.0, 400.0, 0.1, {});
      spec.duration = c.duration;
      for (double t = 1; t < 59; t += 0.3) spec.sources[0].times[0].push_back(t);
      auto& pop = spec.populations[0];
      pop.size = 13;
      pop.neuron[2].second = unlike ? Distribution{Distribution::Kind::uniform, -45, -40}
                                    : Distribution{Distribution::Kind::constant, -44, 0};
      pop.neuron[3].second.a = -50;  // V_th
      pop.neuron.push_back({"V_reset", {Distribution::Kind::constant, -65, 0}});
      pop.neuron.push_back({"t_ref", {Distribution::Kind::constant, c.t_ref, 0}});
      spec.record.state[0].neurons = {0, 5, 12};
      const auto result = simulate(spec);
      const auto& spikes = result.populations[0].spikes;
      for (const auto& trace : result.traces) {
        std::vector<double> fired;
        for (const auto& s : spikes)
          if (s.neuron == trace.neuron) fired.push_back(s.t);
        ASSERT_GE(fired.size(), c.spikes) << "t_ref " << c.t_ref << ", neuron " << trace.neuron;
        const auto hold = static_cast<std::size_t>(std::lround(c.t_ref / 0.1));
        for (std::size_t k = 0; k < fired.size(); ++k) {
          const auto n = static_cast<std::size_t>(std::lround(fired[k] / 0.1));
          for (std::size_t m = n; m <= n + hold && m < trace.values.size(); ++m)
            ASSERT_EQ(trace.values[m], -65.0)
                << "t_ref " << c.t_ref << ", neuron " << trace.neuron << ", t = " << m * 0.1;
          if (n + hold + 1 < trace.values.size()) {  // one step on from V_reset: 0.2-1.4 mV up
            EXPECT_GT(trace.values[n + hold + 1], -65.0);
            EXPECT_LT(trace.values[n + hold + 1], -63.0);
          }
          if (k + 1 < fired.size()) {
            EXPECT_GT(fired[k + 1], fired[k] + c.t_ref + 0.05);
          }
        }
      }
    }
  }
}

// A recorded synaptic current is its value at t_n, the input arriving at t_n included: w at the
// arrival, then w e^{-u/tau_syn}; for time constants from a tenth of a step to 10,000 steps.
TEST(NetworkRecording, SynapticCurrentAtEachGridPointIncludesWhatArrivesThere) {
  const double weight = 100, delay = 0.3, spike = 10.0;  // pA, ms, ms
  for (const double tau_syn : {0.01, 0.3, 2.0, 1000.0}) {
    auto spec = one_synapse(SynapseKind::exp_current, tau_syn, weight, delay);
    spec.record.state[0].variables = {"V_m", "I_pre"};
    const auto result = simulate(spec);
    ASSERT_EQ(result.traces.size(), 2u);
    const auto& I = result.traces.at(1).values;
    for (std::size_t n = 0; n < I.size(); ++n) {
      const double t = static_cast<double>(n) * 0.1, u = t - (spike + delay);
      const double expected = u < -1e-9 ? 0.0 : weight * std::exp(-u / tau_syn);
      ASSERT_NEAR(I[n], expected, 1e-9) << "tau_syn " << tau_syn << " ms, t = " << t << " ms";
    }
  }
}

// Channels read on arrival let the engine's epochs be one step longer than the shortest delay:
// every spike of a neuron still acts exactly d after it, whichever step of an epoch it falls in.
// B's V is the sum of the closed-form PSPs of A's spikes, to 1e-9 mV, for delays of 1 to 4 steps.
TEST(NetworkDelay, CurrentSynapseActsExactlyAfterTheDelayFromAnyStepOfAnEpoch) {
  const double weight = 50, tau_syn = 2;  // pA, ms
  for (double delay : {0.1, 0.2, 0.3, 0.4}) {
    PopulationSpec a{"A", 1, "lif", {{"t_ref", {}}}};
    a.neuron[0].second.a = 0.3;  // ms: spikes at varied steps
    PopulationSpec b{"B", 1, "lif", {{"C_m", {}}, {"tau_m", {}}, {"E_L", {}}, {"V_th", {}}}};
    b.neuron[0].second.a = C_m;
    b.neuron[1].second.a = tau_m;
    b.neuron[2].second.a = E_L;
    b.neuron[3].second.a = 1000;  // never fires
    auto n = driven_pair(a, b, 1700, SynapseKind::exp_current, tau_syn, weight, delay);
    n.duration = 120;
    n.record.state.push_back({"B", {"V_m"}, {0}});
    const auto result = simulate(n);
    const auto& sent = result.populations[0].spikes;
    ASSERT_GE(sent.size(), 40u);
    const auto& V = result.traces.at(0).values;
    const double k = tau_syn * tau_m / (tau_m - tau_syn) * weight / C_m;  // mV
    for (std::size_t m = 0; m < V.size(); ++m) {
      const double t = static_cast<double>(m) * 0.1;
      double expected = E_L;
      for (const auto& s : sent) {
        const double u = t - (s.t + delay);
        if (u > 1e-9) expected += k * (std::exp(-u / tau_m) - std::exp(-u / tau_syn));
      }
      ASSERT_NEAR(V[m], expected, 1e-9) << "delay " << delay << " ms, t = " << t << " ms";
    }
  }
}

void expect_same_spikes(const NetworkResult& reference, const NetworkResult& other, const std::string& what) {
  ASSERT_EQ(other.populations.size(), reference.populations.size());
  for (std::size_t p = 0; p < reference.populations.size(); ++p) {
    const auto& a = reference.populations[p].spikes;
    const auto& b = other.populations[p].spikes;
    ASSERT_EQ(a.size(), b.size()) << reference.populations[p].name << ", " << what;
    for (std::size_t k = 0; k < a.size(); ++k) {
      ASSERT_EQ(a[k].neuron, b[k].neuron) << what;
      ASSERT_EQ(a[k].t, b[k].t) << what;  // bit for bit
    }
  }
}

// A current channel fed by one projection of one weight takes its input as spike counts that
// its kernel weighs (no row of doubles); with a second projection of weight 0 into the same
// channels the weights are summed into the ring of doubles. Both give the same V to the bit
// (200 pA: every sum of it is exact).
TEST(NetworkCounts, CountedInputEqualsTheRingOfWeights) {
  const auto network = [](bool shared) {
    NetworkSpec n;
    n.duration = 150;
    Distribution start;
    start.kind = Distribution::Kind::uniform;
    start.a = -70;
    start.b = -50;
    n.populations.push_back({"S", 40, "lif", {{"V_m", start}}});
    n.populations.push_back({"T", 70, "lif", {}});
    DriveSpec drive;
    drive.target = "S";
    drive.input.type = "constant";
    drive.input.values = {{"amplitude", 450.0}};
    n.drives.push_back(drive);
    // (the weight-0 projections last: each projection's connections are drawn from a stream of
    // its own index)
    for (double weight : {200.0, 0.0})
      for (auto kind : {SynapseKind::exp_current, SynapseKind::alpha_current}) {
        if (weight == 0 && !shared) continue;
        ProjectionSpec j;
        j.source = "S";
        j.target = "T";
        j.rule.rule = Rule::pairwise_bernoulli;
        j.rule.p = 0.5;
        j.synapse = kind;
        j.tau_syn = kind == SynapseKind::exp_current ? 4 : 2;
        j.weight.a = weight;
        j.delay.a = 0.7;
        n.projections.push_back(j);
      }
    n.record.state.push_back({"T", {"V_m"}, {0, 33, 69}});
    return n;
  };
  const auto counted = simulate(network(false), 2), weighed = simulate(network(true), 2);
  ASSERT_EQ(counted.traces.size(), 3u);
  for (std::size_t r = 0; r < counted.traces.size(); ++r)
    ASSERT_EQ(counted.traces[r].values, weighed.traces[r].values) << "neuron " << counted.traces[r].neuron;
  ASSERT_GT(counted.populations[1].spike_count, 10u);  // T was driven to fire
  expect_same_spikes(counted, weighed, "counted against weighed");
}

// Brunel's network in small, its projections dense (a quarter to half of the pairs, with
// multapses): their spikes are counted from bitmaps, the repeats of multapses from lists. Weights
// and drive are multiples of 1/8 mV, so that every sum of inputs is exact in any order: the same
// network with a delay per synapse (all of 15 steps, drawn from [1.5, 1.54) ms), whose spikes add
// their weights synapse by synapse, must fire the same spikes. Without multapses, no list is left.
TEST(NetworkCounts, BitmapDeliveryEqualsTheListOfSynapses) {
  for (const bool multapses : {true, false}) {
    const auto network = [multapses](bool per_synapse_delays) {
      NetworkSpec n;
      n.duration = 300;
      const auto value = [](double x) {
        Distribution d;
        d.a = x;
        return d;
      };
      Distribution start;
      start.kind = Distribution::Kind::uniform;
      start.a = 0;
      start.b = 20;
      // (sizes off the 64 neurons of a word and of a thread's grain)
      for (const auto& [name, size] : {std::pair<std::string, std::size_t>{"E", 830}, {"I", 250}})
        n.populations.push_back({name,
                                 size,
                                 "lif",
                                 {{"tau_m", value(20)},
                                  {"E_L", value(0)},
                                  {"V_th", value(20)},
                                  {"V_reset", value(10)},
                                  {"t_ref", value(2)},
                                  {"V_m", start}}});
      for (const std::string source : {"E", "I"})
        for (const std::string target : {"E", "I"}) {
          ProjectionSpec j;
          j.source = source;
          j.target = target;
          j.rule.rule = Rule::fixed_indegree;
          j.rule.number = source == "E" ? 250 : 200;
          j.rule.multapses = multapses;
          j.synapse = SynapseKind::delta;
          j.weight.a = source == "E" ? 0.125 : -0.5;  // mV
          j.delay.a = 1.5;
          if (per_synapse_delays) {
            j.delay.kind = Distribution::Kind::uniform;
            j.delay.b = 1.54;
          }
          n.projections.push_back(j);
        }
      for (const std::string target : {"E", "I"}) {
        DriveSpec poisson;
        poisson.target = target;
        poisson.input.type = "poisson";
        poisson.rate = 16000;  // Hz
        poisson.synapse = SynapseKind::delta;
        poisson.weight = 0.125;
        n.drives.push_back(poisson);
      }
      return n;
    };
    const auto listed = simulate(network(true), 1);
    ASSERT_GT(listed.populations[0].spike_count + listed.populations[1].spike_count, 2000u);
    for (const std::size_t threads : {1, 2, 3}) {
      const auto counted = simulate(network(false), threads);
      // Bitmaps took the dense projections: lists of 16-bit targets alone would take 2 bytes a
      // synapse (bits, rings of counts and the lists of repeats take about 1.1).
      ASSERT_EQ(counted.synapses, listed.synapses);
      ASSERT_LT(counted.synapse_bytes, 1.5 * static_cast<double>(counted.synapses));
      ASSERT_EQ(counted.projections.size(), 4u);
      for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(counted.projections[k].storage, "bitmap") << k;
        EXPECT_EQ(listed.projections[k].storage, "list") << k;
        EXPECT_EQ(counted.projections[k].synapses, listed.projections[k].synapses) << k;
      }
      expect_same_spikes(listed, counted,
                         std::to_string(threads) + " threads, bitmaps against lists, multapses " +
                             std::to_string(multapses));
    }
  }
}

// A V that is no longer finite stops the run with the population named, whatever the synapse
// (two spikes of 1e308 arriving at once make an infinite input). A V of -inf stays below the
// threshold, where the kernel's spike test does not see it: it is caught all the same.
TEST(NetworkErrors, AStateThatIsNoLongerFiniteStopsTheRun) {
  for (const auto kind : {SynapseKind::delta, SynapseKind::exp_current, SynapseKind::alpha_current,
                          SynapseKind::exp_conductance, SynapseKind::alpha_conductance})
    for (const double weight : {1e308, -1e308}) {
      if (weight < 0 && (kind == SynapseKind::exp_conductance || kind == SynapseKind::alpha_conductance))
        continue;  // (conductances are >= 0)
      try {
        simulate(one_synapse(kind, 5, weight, 1.0, {10.0, 10.0}));
        ADD_FAILURE() << "no error for synapse kind " << static_cast<int>(kind) << ", weight " << weight;
      } catch (const SimulationError& e) {
        EXPECT_NE(std::string(e.what()).find("population post"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("infinite or NaN"), std::string::npos) << e.what();
      }
    }
}

// Conductances pull V toward their reversal potential and never past it, however strong.
TEST(NetworkConductance, VoltageStaysOnTheNearSideOfTheReversalPotential) {
  for (const auto& [E_rev, weight] : std::vector<std::pair<double, double>>{{0.0, 500.0}, {-80.0, 500.0}}) {
    NetworkSpec n;
    n.duration = 100;
    PopulationSpec post{"post", 1, "lif", {{"V_th", {}}, {"t_ref", {}}}};
    post.neuron[0].second.a = 1000;
    post.neuron[1].second.a = 0;
    n.populations.push_back(post);
    n.sources.push_back({"pre", "poisson", 50, 2000, {}});  // 100 kHz of input spikes
    ProjectionSpec j;
    j.source = "pre";
    j.target = "post";
    j.rule.rule = Rule::all_to_all;
    j.synapse = SynapseKind::exp_conductance;
    j.tau_syn = 5;
    j.E_rev = E_rev;
    j.weight.a = weight;
    j.delay.a = 0.1;
    n.projections.push_back(j);
    n.record.state.push_back({"post", {"V_m", "g_pre"}, {0}});
    const auto result = simulate(n);
    const auto& V = result.traces.at(0).values;
    const auto& g = result.traces.at(1).values;
    EXPECT_GT(g.back(), 1e4);  // the conductance is enormous (nS)
    for (double v : V) {
      if (E_rev > E_L)
        ASSERT_LE(v, E_rev + 1e-9);
      else
        ASSERT_GE(v, E_rev - 1e-9);
    }
    EXPECT_NEAR(V.back(), E_rev, 0.1);  // and V sits at it
  }
}

// The conductance kernel against exponential Euler written out with std::exp: V_{n+1} =
// V_inf + (V_n - V_inf) exp(-dt G / C_m) with G = g_L + g(t_n) and V_inf = (g_L E_L + g E_rev) / G.
// A 4,000 nS conductance puts dt G / C_m at 1.6 when it arrives: the kernel's general path (an
// exponential and a division); as it decays below 1,250 nS, the polynomial of the usual step.
// Four neurons of drawn (unreachable) thresholds run the kernel for unlike neurons as well.
TEST(NetworkConductance, StepIsExponentialEulerOnEitherSideOfThePolynomialsRange) {
  for (const double E_rev : {0.0, -85.0}) {
    auto spec = one_synapse(SynapseKind::exp_conductance, 5, 4000, 1.0, {10.0, 30.0});
    spec.projections[0].E_rev = E_rev;
    spec.populations[0].size = 4;
    spec.populations[0].neuron[3].second = {Distribution::Kind::uniform, 1000, 2000};
    spec.record.state[0] = {"post", {"V_m", "g_pre"}, {0, 3}};
    const auto result = simulate(spec);
    ASSERT_EQ(result.traces.size(), 4u);
    const double g_L = C_m / tau_m, dt = 0.1;  // nS, ms
    // steps with dt G / C_m above and below the polynomial's limit (1/2: G = 1,250 nS here)
    std::size_t general = 0, polynomial = 0;
    const auto trace = [&](const std::string& variable, std::size_t neuron) -> const std::vector<double>& {
      for (const auto& t : result.traces)
        if (t.variable == variable && t.neuron == neuron) return t.values;
      throw std::runtime_error("no trace of " + variable);
    };
    for (const std::size_t neuron : {0, 3}) {
      const auto& V = trace("V_m", neuron);
      const auto& g = trace("g_pre", neuron);
      for (std::size_t n = 0; n + 1 < V.size(); ++n) {
        const double G = g_L + g[n], V_inf = (g_L * E_L + g[n] * E_rev) / G;
        const double expected = V_inf + (V[n] - V_inf) * std::exp(-dt * G / C_m);
        ASSERT_NEAR(V[n + 1], expected, 1e-11) << "t = " << (n + 1) * dt << " ms, E_rev " << E_rev;
        (dt * G / C_m > core::one_minus_exp_over_x_limit ? general : polynomial) += g[n] > 1 ? 1 : 0;
      }
    }
    EXPECT_GT(general, 20u);
    EXPECT_GT(polynomial, 200u);
  }
}

// A network with every source of randomness: Poisson drive and sources, drawn parameters,
// weights and delays, current and conductance synapses, noise.
NetworkSpec random_network() {
  NetworkSpec n;
  n.duration = 300;
  n.seed = 7;
  Distribution V0;
  V0.kind = Distribution::Kind::uniform;
  V0.a = -70;
  V0.b = -55;
  Distribution threshold;
  threshold.kind = Distribution::Kind::normal;
  threshold.a = -55;
  threshold.b = 1;
  threshold.min = -58;
  threshold.max = -52;
  n.populations.push_back({"E", 403, "lif", {{"V_m", V0}, {"V_th", threshold}}});
  n.populations.push_back({"I", 101, "lif", {{"V_m", V0}}});
  n.populations.push_back({"A", 37, "adex", {}});
  n.sources.push_back({"ext", "poisson", 200, 20, {}});
  Distribution w;
  w.kind = Distribution::Kind::uniform;
  w.a = 20;
  w.b = 60;
  Distribution d;
  d.kind = Distribution::Kind::uniform;
  d.a = 0.5;
  d.b = 3;
  const auto project = [&](const char* source, const char* target, SynapseKind kind, double weight,
                           const Distribution* drawn_weight, const Distribution* drawn_delay) {
    ProjectionSpec j;
    j.source = source;
    j.target = target;
    j.rule.rule = Rule::pairwise_bernoulli;
    j.rule.p = 0.1;
    j.synapse = kind;
    j.tau_syn = 3;
    j.E_rev = kind == SynapseKind::exp_conductance ? -80 : 0;
    j.weight.a = weight;
    if (drawn_weight) j.weight = *drawn_weight;
    j.delay.a = 1.0;
    if (drawn_delay) j.delay = *drawn_delay;
    n.projections.push_back(j);
  };
  project("E", "E", SynapseKind::exp_current, 0, &w, &d);
  project("E", "I", SynapseKind::alpha_current, 40, nullptr, nullptr);
  project("I", "E", SynapseKind::exp_conductance, 2, nullptr, &d);
  project("ext", "E", SynapseKind::delta, 1.5, nullptr, nullptr);
  project("E", "A", SynapseKind::exp_current, 30, nullptr, nullptr);
  DriveSpec poisson;
  poisson.target = "I";
  poisson.input.type = "poisson";
  poisson.rate = 3000;
  poisson.synapse = SynapseKind::delta;
  poisson.weight = 0.6;
  n.drives.push_back(poisson);
  DriveSpec noise;
  noise.target = "E";
  noise.input.type = "noise";
  noise.input.values = {{"mean", 200.0}, {"sigma", 100.0}};
  n.drives.push_back(noise);
  DriveSpec current;
  current.target = "A";
  current.input.type = "constant";
  current.input.values = {{"amplitude", 300.0}};
  n.drives.push_back(current);
  return n;
}

TEST(NetworkThreads, SpikesAreIdenticalOnOneTwoAndFourThreads) {
  const auto reference = simulate(random_network(), 1);
  std::uint64_t total = 0;
  for (const auto& p : reference.populations) total += p.spike_count;
  ASSERT_GT(total, 500u);  // an active network was compared
  for (std::size_t threads : {2, 4}) {
    const auto other = simulate(random_network(), threads);
    expect_same_spikes(reference, other, std::to_string(threads) + " threads");
  }
}

// --threads N is the set-up's team too (the connection rules' loops take OpenMP's default team),
// and the caller's default comes back afterwards (the Python interpreter's, say).
TEST(NetworkThreads, TheCallersDefaultTeamComesBack) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(3);
  const auto result = simulate(random_network(), 1);
  EXPECT_EQ(result.threads, 1u);
  EXPECT_EQ(omp_get_max_threads(), 3);
  omp_set_num_threads(before);
}

TEST(NetworkThreads, AnotherSeedGivesOtherSpikes) {
  auto n = random_network();
  const auto a = simulate(n);
  n.seed = 8;
  const auto b = simulate(n);
  EXPECT_NE(a.populations[0].spike_count, b.populations[0].spike_count);
}

// Grid times are the doubles nearest the decimals meant, where dt divides 1 ms.
TEST(NetworkGrid, TimesAreTheDecimalsMeant) {
  EXPECT_EQ(grid_time(117, 0.1), 11.7);  // (117 * 0.1 = 11.700000000000001)
  EXPECT_EQ(grid_time(3, 0.1), 0.3);
  EXPECT_EQ(grid_time(5, 0.025), 0.125);
  EXPECT_EQ(grid_time(7, 0.3), 7 * 0.3);  // (1 / 0.3 is not whole: n x dt)
  EXPECT_EQ(grid_time(4, 2.0), 8.0);
  for (std::int64_t n = 0; n < 100000; ++n) ASSERT_EQ(grid_time(n, 0.1), static_cast<double>(n) / 10) << n;
}

// The vectorised Poisson counts are the scalar path's numbers, and their mean and variance are
// the step's mean (a Poisson law), up to means whose e^-mean underflows (above 745).
TEST(NetworkPoisson, VectorAndScalarCountsAgreeAndArePoisson) {
  for (double mean : {0.01, 2.0, 30.0, 2000.0, network::max_poisson_mean}) {
    const network::PoissonCounts counts(mean, 5, 9);
    const std::size_t n = 1000;
    double sum = 0, sum2 = 0;
    for (std::int64_t step = 0; step < 200; ++step) {
      std::vector<double> vector_path(n, 0.0), scalar_path(n, 0.0);
      counts.add(step, 0, n, 1.0, vector_path.data());
      counts.for_each(step, 0, n, [&](std::size_t i, std::uint32_t c) { scalar_path[i] += c; });
      ASSERT_EQ(vector_path, scalar_path) << "mean " << mean << ", step " << step;
      // A share that starts on an odd block of 32 (the 64-neuron path then begins elsewhere).
      std::vector<double> offset_path(n, 0.0);
      counts.add(step, 32, n, 1.0, offset_path.data());
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(offset_path[i], i < 32 ? 0.0 : scalar_path[i]) << "mean " << mean << ", neuron " << i;
      for (double c : vector_path) {
        sum += c;
        sum2 += c * c;
      }
    }
    const double draws = 200.0 * n, m = sum / draws, var = sum2 / draws - m * m;
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / draws)) << mean;
    EXPECT_NEAR(var / mean, 1.0, 0.05) << mean;
  }
}

// Each count is the inversion of the neuron's whole 32-bit uniform, including the rare draws
// (about 15 in 2^16 at a mean of 2) whose high 16 bits leave it open and whose low half is drawn.
TEST(NetworkPoisson, CountsAreTheInversionOfTheWhole32BitUniform) {
  for (double mean : {0.01, 2.0, 7.5, 30.0}) {
    const network::PoissonCounts counts(mean, 3, 11);
    const std::size_t n = 640;
    for (std::int64_t step = 0; step < 400; ++step) {
      std::vector<double> vector_path(n, 0.0);
      counts.add(step, 0, n, 1.0, vector_path.data());
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(vector_path[i], counts.count_of(counts.uniform(step, i)))
            << "mean " << mean << ", step " << step << ", neuron " << i;
    }
  }
}

// The counts' frequencies against the Poisson law (chi-squared, tail pooled where fewer than 5
// are expected), at a fixed seed: 256,000 draws a mean, vector path (mean 2) and scalar (30).
TEST(NetworkPoisson, CountFrequenciesFollowThePoissonLaw) {
  for (double mean : {0.5, 2.0, 30.0}) {
    const network::PoissonCounts counts(mean, 7, 1);
    const std::size_t n = 1280, steps = 200;
    std::vector<double> observed(200, 0.0);
    for (std::int64_t step = 0; step < static_cast<std::int64_t>(steps); ++step) {
      std::vector<double> row(n, 0.0);
      counts.add(step, 0, n, 1.0, row.data());
      for (double c : row)
        observed[std::min<std::size_t>(static_cast<std::size_t>(c), observed.size() - 1)] += 1;
    }
    const double draws = static_cast<double>(n * steps);
    double chi2 = 0, pooled_expected = 0, pooled_observed = 0;
    int bins = 0;
    for (std::size_t c = 0; c + 1 < observed.size(); ++c) {
      const double expected = draws * std::exp(static_cast<double>(c) * std::log(mean) - mean -
                                               std::lgamma(static_cast<double>(c) + 1));
      pooled_expected += expected;
      pooled_observed += observed[c];
      if (pooled_expected >= 5) {
        chi2 += (pooled_observed - pooled_expected) * (pooled_observed - pooled_expected) / pooled_expected;
        ++bins;
        pooled_expected = pooled_observed = 0;
      }
    }
    // 99.9th percentile of chi-squared with bins - 1 degrees of freedom (Wilson-Hilferty).
    const double df = bins - 1, z = 3.090;
    const double limit = df * std::pow(1 - 2 / (9 * df) + z * std::sqrt(2 / (9 * df)), 3);
    EXPECT_LT(chi2, limit) << "mean " << mean << ", " << bins << " bins";
  }
}

TEST(NetworkRefusals, NetworkTooLargeForMemoryIsRefusedBeforeBuilding) {
  NetworkSpec n;
  n.populations.push_back({"E", 2000000, "lif", {}});
  ProjectionSpec j;
  j.source = "E";
  j.target = "E";
  j.rule.rule = Rule::all_to_all;  // 4e12 synapses
  j.weight.a = 0.1;
  j.delay.a = 1;
  n.projections.push_back(j);
  try {
    simulate(n);
    FAIL() << "not refused";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.key(), "network");
    EXPECT_NE(std::string(e.value()).find("GB"), std::string::npos);
    EXPECT_NE(std::string(e.allowed()).find("available"), std::string::npos);
  }
}

TEST(NetworkRefusals, RefractoryPeriodOffTheGridIsRefused) {
  auto n = one_synapse(SynapseKind::delta, 5, 1, 1);
  n.populations[0].neuron.push_back({"t_ref", {}});
  n.populations[0].neuron.back().second.a = 2.05;
  try {
    simulate(n);
    FAIL() << "not refused";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.key(), "population[0].neuron.t_ref");
  }
}

TEST(NetworkRefusals, DrawnNegativeConductanceIsRefused) {
  auto n = one_synapse(SynapseKind::exp_conductance, 5, 1, 1);
  n.projections[0].weight.kind = Distribution::Kind::normal;
  n.projections[0].weight.a = 0;
  n.projections[0].weight.b = 1;
  n.sources[0] = {"pre", "poisson", 100, 1, {}};  // 100 synapses: some draws are negative
  EXPECT_THROW(simulate(n), ParameterError);
}

// A current weight drawn across 0 gives some synapses the other sign: a warning names the
// projection and the share (a normal law of mean 16.2 pA and sd 20: Phi(-0.81) = 20.9% below 0).
TEST(NetworkWarnings, AWeightDrawnAcrossZeroIsNamed) {
  auto n = one_synapse(SynapseKind::exp_current, 5, 16.2, 1);
  EXPECT_TRUE(network_warnings(n).empty());  // constant
  n.projections[0].weight.kind = Distribution::Kind::normal;
  n.projections[0].weight.b = 20;
  auto warnings = network_warnings(n);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].key(), "projection[0].weight");
  EXPECT_NE(warnings[0].allowed().find("20.9% of the weights drawn are below 0 pA"), std::string::npos)
      << warnings[0].allowed();
  n.projections[0].weight.min = 0;  // one sign
  EXPECT_TRUE(network_warnings(n).empty());
  n.projections[0].weight = {Distribution::Kind::uniform, -90, 10};  // mostly inhibitory
  warnings = network_warnings(n);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].allowed().find("10% of the weights drawn are above 0 pA"), std::string::npos)
      << warnings[0].allowed();
  n.projections[0].weight = {Distribution::Kind::normal, 16.2, 1.62};  // 10 sd away: none
  EXPECT_TRUE(network_warnings(n).empty());
}

}  // namespace
}  // namespace lapicque
