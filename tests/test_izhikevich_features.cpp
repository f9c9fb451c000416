// Izhikevich (2004)'s 20 neuro-computational features with the parameters and protocols of his
// figure1.m: `euler` at the figure's step reproduces its spikes step for step (each of our spikes
// lies in the step the figure stamps), and each feature is recognised by a criterion on the spike
// train and trace that a neuron of the wrong type fails.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "lapicque/experiment.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using Spikes = std::vector<double>;

// figure1.m samples I at the grid points t_k and uses strict inequalities: "I on (a, b)" reaches
// exactly the grid points strictly inside; these helpers place the edges between grid points.
double after(double t, double tau) {
  return (std::floor(t / tau + 1e-9) + 0.5) * tau;
}
double before(double t, double tau) {
  return (std::ceil(t / tau - 1e-9) - 0.5) * tau;
}
InputSpec on_after(double t1, double amplitude, double tau) {
  return {"step", {{"start", after(t1, tau)}, {"amplitude", amplitude}}};
}
InputSpec pulse(double a, double b, double amplitude, double tau) {
  return {"step", {{"start", after(a, tau)}, {"stop", before(b, tau)}, {"amplitude", amplitude}}};
}
InputSpec constant(double amplitude) {
  return {"constant", {{"amplitude", amplitude}}};
}
// slope (t - t1) for t > t1.
InputSpec ramp_after(double t1, double slope, double tau) {
  const double start = after(t1, tau);
  return {"ramp", {{"slope", slope}, {"start", start}, {"offset", slope * (start - t1)}}};
}

std::size_t count(const Spikes& s, double from, double to) {  // spikes in (from, to]
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [&](double t) { return t > from && t <= to; }));
}
Spikes isis(const Spikes& s) {
  Spikes out;
  for (std::size_t k = 1; k < s.size(); ++k) out.push_back(s[k] - s[k - 1]);
  return out;
}
std::vector<Spikes> bursts(const Spikes& s, double gap) {
  std::vector<Spikes> out;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (k == 0 || s[k] - s[k - 1] > gap) out.emplace_back();
    out.back().push_back(s[k]);
  }
  return out;
}

struct Outcome {
  Spikes spikes;
  Trace trace;
  double V_at(double t) const {
    return trace.values[0][static_cast<std::size_t>(std::lround(t / (trace.t[1] - trace.t[0])))];
  }
};

struct Feature {
  char panel;
  std::string name;
  double a, b, c, d, V0, tau, T;
  std::vector<InputSpec> input;
  ParamValues variant;     // the quadratic or recovery variant, where the panel uses one
  std::size_t fig1_count;  // spikes in figure1.m
  Spikes fig1_stamps;      // figure1.m's stamps (start of the step), where listed in full
  std::function<bool(const Outcome&)> recognised;
};

const ParamValues class_1_variant{{"k1", 4.1}, {"k0", 108}};

// Classes 1 and 2 under the ramp from 30 ms: silent before it, then at least 5 spikes whose ISIs
// never grow (by more than 0.5 ms); they differ in how firing starts.
bool accelerates_on_ramp(const Outcome& r) {
  const auto i = isis(r.spikes);
  if (count(r.spikes, 0, 30) != 0 || r.spikes.size() < 5) return false;
  for (std::size_t k = 1; k < i.size(); ++k)
    if (i[k] > i[k - 1] + 0.5) return false;
  return true;
}

Outcome simulate(const Feature& f, double a, double b, double c, double d, Method method = Method::euler) {
  ParamValues params{{"a", a}, {"b", b}, {"c", c}, {"d", d}, {"V_m", f.V0}};
  params.insert(params.end(), f.variant.begin(), f.variant.end());
  const auto e = testing::experiment("izhikevich", params, f.input, f.tau, f.T, method, {"V_m"});
  auto r = run(e);
  return {r.spikes[0], r.trace};
}

// `refine` divides figure1.m's step (protocols follow the finer grid).
std::vector<Feature> features(int refine = 1) {
  std::vector<Feature> all;
  double tau = 0.25 / refine;
  all.push_back({'A',
                 "tonic spiking",
                 .02,
                 .2,
                 -65,
                 6,
                 -70,
                 tau,
                 100,
                 {on_after(10, 14, tau)},
                 {},
                 5,
                 {13, 17, 31.5, 59.25, 86.75},
                 [](const Outcome& r) {
                   const auto& s = r.spikes;
                   const auto i = isis(s);
                   return count(s, 0, 10) == 0 && count(s, 10, 100) >= 4 &&
                          i.back() / i[i.size() - 2] >= 0.8 && i.back() / i[i.size() - 2] <= 1.25 &&
                          s.back() >= 100 - 1.5 * i.back();
                 }});
  all.push_back({'B',
                 "phasic spiking",
                 .02,
                 .25,
                 -65,
                 6,
                 -64,
                 tau,
                 200,
                 {on_after(20, 0.5, tau)},
                 {},
                 1,
                 {43.75},
                 [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 20, 80) == 1; }});
  all.push_back({'C',
                 "tonic bursting",
                 .02,
                 .2,
                 -50,
                 2,
                 -70,
                 tau,
                 220,
                 {on_after(22, 15, tau)},
                 {},
                 28,
                 {},
                 [](const Outcome& r) {
                   const auto b = bursts(r.spikes, 15);
                   if (count(r.spikes, 0, 22) != 0 || b.size() < 3) return false;
                   double widest_inside = 0, narrowest_between = INFINITY;
                   for (std::size_t k = 0; k < b.size(); ++k) {
                     if (b[k].size() < 2) return false;
                     for (double isi : isis(b[k])) widest_inside = std::max(widest_inside, isi);
                     if (k > 0)
                       narrowest_between = std::min(narrowest_between, b[k].front() - b[k - 1].back());
                   }
                   return narrowest_between >= 3 * widest_inside && b.back().front() > 150;
                 }});
  tau = 0.2 / refine;
  all.push_back({'D',
                 "phasic bursting",
                 .02,
                 .25,
                 -55,
                 .05,
                 -64,
                 tau,
                 200,
                 {on_after(20, 0.6, tau)},
                 {},
                 6,
                 {39, 42.8, 47, 51.8, 57.6, 67.2},
                 [](const Outcome& r) {
                   const auto b = bursts(r.spikes, 15);
                   return count(r.spikes, 0, 20) == 0 && r.spikes.size() >= 3 && b.size() == 1 &&
                          b[0].back() - b[0].front() <= 60 && count(r.spikes, 120, 200) == 0;
                 }});
  tau = 0.25 / refine;
  all.push_back({'E',
                 "mixed mode",
                 .02,
                 .2,
                 -55,
                 4,
                 -70,
                 tau,
                 160,
                 {on_after(16, 10, tau)},
                 {},
                 6,
                 {20, 22.75, 27.25, 67, 99.25, 131.5},
                 [](const Outcome& r) {
                   const auto& s = r.spikes;
                   if (count(s, 16, 160) < 5) return false;
                   const auto i = isis(s);
                   return i[0] < 6 && i[1] < 8 && count(s, s[0] - 1e-9, s[0] + 15) >= 3 &&
                          i.back() >= 4 * i[0] && i.back() / i[i.size() - 2] >= 0.85 &&
                          i.back() / i[i.size() - 2] <= 1.15;
                 }});
  all.push_back({'F',
                 "spike frequency adaptation",
                 .01,
                 .2,
                 -65,
                 8,
                 -70,
                 tau,
                 85,
                 {on_after(8.5, 30, tau)},
                 {},
                 6,
                 {10.25, 12.25, 15, 19.75, 42.5, 71.5},
                 [](const Outcome& r) {
                   const auto i = isis(r.spikes);
                   if (count(r.spikes, 0, 8.5) != 0 || r.spikes.size() < 5) return false;
                   for (std::size_t k = 1; k < i.size(); ++k)
                     if (i[k] < 0.95 * i[k - 1]) return false;
                   return i.back() >= 4 * i[0];
                 }});
  all.push_back({'G',
                 "class 1 excitable",
                 .02,
                 -.1,
                 -55,
                 6,
                 -60,
                 tau,
                 300,
                 {ramp_after(30, 0.075, tau)},
                 class_1_variant,
                 10,
                 {84.5, 125, 155.75, 181, 203.5, 223.75, 242, 259.25, 275.5, 290.5},
                 [](const Outcome& r) {
                   const auto i = isis(r.spikes);
                   return accelerates_on_ramp(r) && i[0] >= 30 && i[0] >= 2 * i.back();
                 }});
  all.push_back({'H',
                 "class 2 excitable",
                 .2,
                 .26,
                 -65,
                 0,
                 -64,
                 tau,
                 300,
                 {constant(-0.5), ramp_after(30, 0.015, tau)},
                 {},
                 14,
                 {},
                 [](const Outcome& r) {
                   return accelerates_on_ramp(r) && isis(r.spikes)[0] < 30 && r.spikes[0] >= 60;
                 }});
  tau = 0.2 / refine;
  all.push_back(
      {'I',
       "spike latency",
       .02,
       .2,
       -65,
       6,
       -70,
       tau,
       100,
       {pulse(10, 13, 7.04, tau)},
       {},
       1,
       {26.6},
       [](const Outcome& r) { return r.spikes.size() == 1 && r.spikes[0] >= 13 && r.spikes[0] - 10 >= 5; }});
  tau = 0.25 / refine;
  all.push_back({'J',
                 "subthreshold oscillations",
                 .05,
                 .26,
                 -60,
                 0,
                 -62,
                 tau,
                 200,
                 {pulse(20, 25, 2, tau)},
                 {},
                 1,
                 {26.5},
                 [](const Outcome& r) {
                   if (count(r.spikes, 0, 20) != 0 || r.spikes.size() > 1) return false;
                   // Turning points of V with 0.1 mV hysteresis after the pulse (and the spike).
                   const double from = std::max(r.spikes.empty() ? 0.0 : r.spikes.back(), 25.0) + 10;
                   int maxima = 0, minima = 0;
                   bool rising = true;
                   double extreme = r.V_at(from);
                   for (std::size_t k = 0; k < r.trace.t.size(); ++k) {
                     if (r.trace.t[k] < from) continue;
                     const double v = r.trace.values[0][k];
                     if (rising ? v > extreme : v < extreme) extreme = v;
                     if (rising && v < extreme - 0.1) {
                       ++maxima;
                       rising = false;
                       extreme = v;
                     } else if (!rising && v > extreme + 0.1) {
                       ++minima;
                       rising = true;
                       extreme = v;
                     }
                   }
                   return maxima >= 2 && minima >= 2;
                 }});
  all.push_back({'K',
                 "resonator",
                 .1,
                 .26,
                 -60,
                 -1,
                 -62,
                 tau,
                 400,
                 {pulse(40, 44, 0.65, tau), pulse(60, 64, 0.65, tau), pulse(280, 284, 0.65, tau),
                  pulse(320, 324, 0.65, tau)},
                 {},
                 1,
                 {338},
                 [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 320, 370) == 1; }});
  const double T1 = 100.0 / 11;
  all.push_back(
      {'L',
       "integrator",
       .02,
       -.1,
       -55,
       6,
       -60,
       tau,
       100,
       {pulse(T1, T1 + 2, 9, tau), pulse(T1 + 5, T1 + 7, 9, tau), pulse(70, 72, 9, tau),
        pulse(80, 82, 9, tau)},
       class_1_variant,
       1,
       {20},
       [T1](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, T1 + 5, 40) == 1; }});
  tau = 0.2 / refine;
  all.push_back({'M',
                 "rebound spike",
                 .03,
                 .25,
                 -60,
                 4,
                 -64,
                 tau,
                 200,
                 {pulse(20, 25, -15, tau)},
                 {},
                 1,
                 {68},
                 [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 25, 100) == 1; }});
  all.push_back({'N',
                 "rebound burst",
                 .03,
                 .25,
                 -52,
                 0,
                 -64,
                 tau,
                 200,
                 {pulse(20, 25, -15, tau)},
                 {},
                 7,
                 {68, 71, 74.2, 77.8, 81.8, 86.4, 92.2},
                 [](const Outcome& r) {
                   return count(r.spikes, 0, 25) == 0 && r.spikes.size() >= 3 &&
                          count(r.spikes, 25, 150) == r.spikes.size() && bursts(r.spikes, 10).size() == 1;
                 }});
  tau = 0.25 / refine;
  all.push_back({'O',
                 "threshold variability",
                 .03,
                 .25,
                 -60,
                 4,
                 -64,
                 tau,
                 100,
                 {pulse(10, 15, 1, tau), pulse(80, 85, 1, tau), pulse(70, 75, -6, tau)},
                 {},
                 1,
                 {93.25},
                 [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 80, 100) == 1; }});
  all.push_back({'P',
                 "bistability",
                 .1,
                 .26,
                 -60,
                 0,
                 -61,
                 tau,
                 300,
                 {constant(0.24), pulse(37.5, 42.5, 1, tau), pulse(216, 221, 1, tau)},
                 {},
                 5,
                 {45.25, 86, 126.5, 167.25, 208},
                 [](const Outcome& r) {
                   return count(r.spikes, 0, 37.5) == 0 && count(r.spikes, 42.5, 216) >= 3 &&
                          count(r.spikes, 230, 300) == 0;
                 }});
  tau = 0.1 / refine;
  all.push_back({'Q',
                 "depolarising after-potential",
                 1,
                 .2,
                 -60,
                 -21,
                 -70,
                 tau,
                 50,
                 {pulse(9, 11, 20, tau)},
                 {},
                 1,
                 {11.3},
                 [](const Outcome& r) {
                   if (r.spikes.size() != 1 || count(r.spikes, 9, 12) != 1) return false;
                   double peak = -INFINITY;  // the after-potential: a local maximum after the spike
                   for (std::size_t k = 1; k + 1 < r.trace.t.size(); ++k) {
                     const double t = r.trace.t[k], v = r.trace.values[0][k];
                     if (t > r.spikes[0] + 0.5 && t <= r.spikes[0] + 10 && v >= r.trace.values[0][k - 1] &&
                         v >= r.trace.values[0][k + 1])
                       peak = std::max(peak, v);
                   }
                   return peak >= -55 && std::abs(r.V_at(40) + 70) < 1;
                 }});
  tau = 0.5 / refine;
  all.push_back({'R',
                 "accommodation",
                 .02,
                 1,
                 -55,
                 4,
                 -65,
                 tau,
                 400,
                 {{"ramp", {{"slope", 1.0 / 25}, {"stop", 200.0}}},
                  {"ramp", {{"slope", 4 / 12.5}, {"start", 300.0}, {"stop", 312.5}}}},
                 {{"v_u", -65}, {"u_decay", 0}, {"U_m", -16}},
                 1,
                 {311.5},
                 [](const Outcome& r) {
                   return count(r.spikes, 0, 300) == 0 && r.spikes.size() == 1 &&
                          count(r.spikes, 300, 330) == 1;
                 }});
  // 75 instead of 80 on [50, 250], both ends included.
  const std::vector<InputSpec> inhibition{
      constant(80), {"step", {{"start", 50 - tau / 2}, {"stop", 250 + tau / 2}, {"amplitude", -5.0}}}};
  all.push_back({'S',
                 "inhibition-induced spiking",
                 -.02,
                 -1,
                 -60,
                 8,
                 -63.8,
                 tau,
                 350,
                 inhibition,
                 {},
                 3,
                 {94.5, 166, 236},
                 [](const Outcome& r) {
                   Spikes inside;
                   for (double t : r.spikes)
                     if (t > 50 && t <= 250) inside.push_back(t);
                   const auto i = isis(inside);
                   return count(r.spikes, 0, 50) == 0 && inside.size() >= 2 &&
                          std::all_of(i.begin(), i.end(), [](double x) { return x > 20; }) &&
                          count(r.spikes, 270, 350) == 0;
                 }});
  all.push_back({'T',
                 "inhibition-induced bursting",
                 -.026,
                 -1,
                 -45,
                 -2,
                 -63.8,
                 tau,
                 350,
                 inhibition,
                 {},
                 12,
                 {86.5, 88.5, 90.5, 93, 95.5, 98.5, 103, 191.5, 194, 196.5, 199.5, 204},
                 [](const Outcome& r) {
                   Spikes inside;
                   for (double t : r.spikes)
                     if (t > 50 && t <= 260) inside.push_back(t);
                   const auto b = bursts(inside, 10);
                   return count(r.spikes, 0, 50) == 0 && b.size() >= 2 &&
                          std::all_of(b.begin(), b.end(), [](const Spikes& x) { return x.size() >= 3; }) &&
                          count(r.spikes, 270, 350) == 0;
                 }});
  return all;
}

TEST(IzhikevichFeatures, EulerReproducesFigure1StepForStep) {
  for (const auto& f : features()) {
    const Outcome r = simulate(f, f.a, f.b, f.c, f.d);
    EXPECT_EQ(r.spikes.size(), f.fig1_count) << f.panel << " " << f.name;
    for (std::size_t k = 0; k < f.fig1_stamps.size() && k < r.spikes.size(); ++k) {
      // figure1.m stamps the start of the step in which v passed 30 mV; lapicque the crossing in it.
      EXPECT_GT(r.spikes[k], f.fig1_stamps[k] - 1e-9) << f.panel << " spike " << k;
      EXPECT_LE(r.spikes[k], f.fig1_stamps[k] + f.tau + 1e-9) << f.panel << " spike " << k;
    }
  }
}

TEST(IzhikevichFeatures, EachFeatureIsRecognised) {
  for (const auto& f : features())
    EXPECT_TRUE(f.recognised(simulate(f, f.a, f.b, f.c, f.d))) << f.panel << " " << f.name;
}

TEST(IzhikevichFeatures, WrongNeuronTypesAreNotRecognised) {
  // Each criterion fails for a neuron of another type under the same protocol.
  const auto all = features();
  const auto params = [&](char panel) {
    return *std::find_if(all.begin(), all.end(), [&](const Feature& f) { return f.panel == panel; });
  };
  const std::vector<std::pair<char, char>> controls{
      {'A', 'C'}, {'B', 'H'}, {'C', 'A'}, {'D', 'B'}, {'E', 'A'}, {'F', 'H'}, {'G', 'H'},
      {'H', 'G'}, {'I', 'B'}, {'J', 'A'}, {'K', 'A'}, {'L', 'K'}, {'M', 'G'}, {'N', 'M'},
      {'O', 'G'}, {'P', 'H'}, {'Q', 'A'}, {'R', 'A'}, {'S', 'A'}, {'T', 'S'}};
  for (const auto& [panel, control] : controls) {
    Feature f = params(panel);
    const Feature& other = params(control);
    f.variant = other.variant;
    f.V0 = other.V0;
    EXPECT_FALSE(f.recognised(simulate(f, other.a, other.b, other.c, other.d)))
        << panel << " " << f.name << " recognised with the parameters of " << control;
  }
}

TEST(IzhikevichFeatures, RobustFeaturesAlsoHoldAtFinerSteps) {
  // figure1.m's dt is coarse; the features it shows (all but P, Q and T, which depend on that
  // step and update order) persist as the step shrinks.
  for (const auto& f : features(4)) {
    if (f.panel == 'P' || f.panel == 'Q' || f.panel == 'T') continue;
    EXPECT_TRUE(f.recognised(simulate(f, f.a, f.b, f.c, f.d))) << f.panel << " " << f.name << " at dt/4";
  }
}

}  // namespace
}  // namespace lapicque
