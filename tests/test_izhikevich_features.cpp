// Izhikevich (2004)'s 20 neuro-computational features with the parameters and protocols of his
// figure1.m: `euler` at the figure's step reproduces its spikes step for step (each of our spikes
// lies in the step the figure stamps), and each feature is recognised by a criterion on the spike
// train and trace that a neuron of the wrong type fails.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "lapicque/catalog.hpp"
#include "lapicque/experiment.hpp"

namespace lapicque {
namespace {

using Spikes = std::vector<double>;

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

struct Feature : IzhikevichFeature {
  std::function<bool(const Outcome&)> recognised;
};

// Classes 1 and 2 under the ramp from 30 ms: silent before it, then at least 5 spikes whose ISIs
// never grow (by more than 0.5 ms); they differ in how firing starts.
bool accelerates_on_ramp(const Outcome& r) {
  const auto i = isis(r.spikes);
  if (count(r.spikes, 0, 30) != 0 || r.spikes.size() < 5) return false;
  for (std::size_t k = 1; k < i.size(); ++k)
    if (i[k] > i[k - 1] + 0.5) return false;
  return true;
}

Outcome simulate(const Experiment& e) {
  auto r = run(e);
  return {r.spikes[0], r.trace};
}

// The catalogue's panels (src/catalog/izhikevich_2004.cpp), each with the criterion that
// recognises its feature; `refine` divides figure1.m's step.
std::vector<Feature> features(int refine = 1) {
  const double T1 = 100.0 / 11;  // figure1.m's panel L
  const std::map<char, std::function<bool(const Outcome&)>> criteria{
      {'A',
       [](const Outcome& r) {
         const auto& s = r.spikes;
         const auto i = isis(s);
         return count(s, 0, 10) == 0 && count(s, 10, 100) >= 4 && i.back() / i[i.size() - 2] >= 0.8 &&
                i.back() / i[i.size() - 2] <= 1.25 && s.back() >= 100 - 1.5 * i.back();
       }},
      {'B', [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 20, 80) == 1; }},
      {'C',
       [](const Outcome& r) {
         const auto b = bursts(r.spikes, 15);
         if (count(r.spikes, 0, 22) != 0 || b.size() < 3) return false;
         double widest_inside = 0, narrowest_between = INFINITY;
         for (std::size_t k = 0; k < b.size(); ++k) {
           if (b[k].size() < 2) return false;
           for (double isi : isis(b[k])) widest_inside = std::max(widest_inside, isi);
           if (k > 0) narrowest_between = std::min(narrowest_between, b[k].front() - b[k - 1].back());
         }
         return narrowest_between >= 3 * widest_inside && b.back().front() > 150;
       }},
      {'D',
       [](const Outcome& r) {
         const auto b = bursts(r.spikes, 15);
         return count(r.spikes, 0, 20) == 0 && r.spikes.size() >= 3 && b.size() == 1 &&
                b[0].back() - b[0].front() <= 60 && count(r.spikes, 120, 200) == 0;
       }},
      {'E',
       [](const Outcome& r) {
         const auto& s = r.spikes;
         if (count(s, 16, 160) < 5) return false;
         const auto i = isis(s);
         return i[0] < 6 && i[1] < 8 && count(s, s[0] - 1e-9, s[0] + 15) >= 3 && i.back() >= 4 * i[0] &&
                i.back() / i[i.size() - 2] >= 0.85 && i.back() / i[i.size() - 2] <= 1.15;
       }},
      {'F',
       [](const Outcome& r) {
         const auto i = isis(r.spikes);
         if (count(r.spikes, 0, 8.5) != 0 || r.spikes.size() < 5) return false;
         for (std::size_t k = 1; k < i.size(); ++k)
           if (i[k] < 0.95 * i[k - 1]) return false;
         return i.back() >= 4 * i[0];
       }},
      {'G',
       [](const Outcome& r) {
         const auto i = isis(r.spikes);
         return accelerates_on_ramp(r) && i[0] >= 30 && i[0] >= 2 * i.back();
       }},
      {'H',
       [](const Outcome& r) {
         return accelerates_on_ramp(r) && isis(r.spikes)[0] < 30 && r.spikes[0] >= 60;
       }},
      {'I',
       [](const Outcome& r) { return r.spikes.size() == 1 && r.spikes[0] >= 13 && r.spikes[0] - 10 >= 5; }},
      {'J',
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
       }},
      {'K', [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 320, 370) == 1; }},
      {'L', [T1](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, T1 + 5, 40) == 1; }},
      {'M', [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 25, 100) == 1; }},
      {'N',
       [](const Outcome& r) {
         return count(r.spikes, 0, 25) == 0 && r.spikes.size() >= 3 &&
                count(r.spikes, 25, 150) == r.spikes.size() && bursts(r.spikes, 10).size() == 1;
       }},
      {'O', [](const Outcome& r) { return r.spikes.size() == 1 && count(r.spikes, 80, 100) == 1; }},
      {'P',
       [](const Outcome& r) {
         return count(r.spikes, 0, 37.5) == 0 && count(r.spikes, 42.5, 216) >= 3 &&
                count(r.spikes, 230, 300) == 0;
       }},
      {'Q',
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
       }},
      {'R',
       [](const Outcome& r) {
         return count(r.spikes, 0, 300) == 0 && r.spikes.size() == 1 && count(r.spikes, 300, 330) == 1;
       }},
      {'S',
       [](const Outcome& r) {
         Spikes inside;
         for (double t : r.spikes)
           if (t > 50 && t <= 250) inside.push_back(t);
         const auto i = isis(inside);
         return count(r.spikes, 0, 50) == 0 && inside.size() >= 2 &&
                std::all_of(i.begin(), i.end(), [](double x) { return x > 20; }) &&
                count(r.spikes, 270, 350) == 0;
       }},
      {'T',
       [](const Outcome& r) {
         Spikes inside;
         for (double t : r.spikes)
           if (t > 50 && t <= 260) inside.push_back(t);
         const auto b = bursts(inside, 10);
         return count(r.spikes, 0, 50) == 0 && b.size() >= 2 &&
                std::all_of(b.begin(), b.end(), [](const Spikes& x) { return x.size() >= 3; }) &&
                count(r.spikes, 270, 350) == 0;
       }},
  };
  std::vector<Feature> all;
  for (const auto& f : izhikevich_2004_features(refine)) all.push_back({f, criteria.at(f.panel)});
  return all;
}

TEST(IzhikevichFeatures, EulerReproducesFigure1StepForStep) {
  for (const auto& f : features()) {
    const Outcome r = simulate(f.experiment());
    EXPECT_EQ(r.spikes.size(), f.figure_spikes) << f.panel << " " << f.name;
    for (std::size_t k = 0; k < f.figure_stamps.size() && k < r.spikes.size(); ++k) {
      // figure1.m stamps the start of the step in which v passed 30 mV; lapicque the crossing in it.
      EXPECT_GT(r.spikes[k], f.figure_stamps[k] - 1e-9) << f.panel << " spike " << k;
      EXPECT_LE(r.spikes[k], f.figure_stamps[k] + f.dt + 1e-9) << f.panel << " spike " << k;
    }
  }
}

TEST(IzhikevichFeatures, EachFeatureIsRecognised) {
  for (const auto& f : features())
    EXPECT_TRUE(f.recognised(simulate(f.experiment()))) << f.panel << " " << f.name;
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
    EXPECT_FALSE(f.recognised(simulate(f.experiment_with(other))))
        << panel << " " << f.name << " recognised with the parameters of " << control;
  }
}

TEST(IzhikevichFeatures, RobustFeaturesAlsoHoldAtFinerSteps) {
  // figure1.m's dt is coarse; the features it shows (all but P, Q and T, which depend on that
  // step and update order) persist as the step shrinks.
  for (const auto& f : features(4)) {
    if (f.panel == 'P' || f.panel == 'Q' || f.panel == 'T') continue;
    EXPECT_TRUE(f.recognised(simulate(f.experiment()))) << f.panel << " " << f.name << " at dt/4";
  }
}

}  // namespace
}  // namespace lapicque
