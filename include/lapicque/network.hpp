// A network as experiment files and the Python module describe it: populations of neurons,
// spike sources, projections between them with a connection rule and a synapse model, drives
// aimed at whole populations, and what to record. Units: ms, mV, pA, nS, Hz.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lapicque/error.hpp"
#include "lapicque/experiment.hpp"
#include "lapicque/input.hpp"

namespace lapicque {

// A value that is the same for every neuron or synapse, or drawn for each from a distribution
// (from the network's counter-based streams, so the draw does not depend on threads).
struct Distribution {
  enum class Kind { constant, uniform, normal, lognormal };
  Kind kind = Kind::constant;
  double a = 0;  // constant: the value; uniform: low; normal: mean; lognormal: mu of ln x
  double b = 0;  // uniform: high; normal: standard deviation; lognormal: sigma of ln x
  double min = -std::numeric_limits<double>::infinity();  // normal: redrawn outside [min, max]
  double max = std::numeric_limits<double>::infinity();
  bool is_constant() const { return kind == Kind::constant; }
  double mean() const;  // of the distribution as drawn (truncation ignored)
};

std::string_view distribution_name(Distribution::Kind kind);

struct PopulationSpec {
  std::string name;
  std::size_t size = 0;
  std::string model = "lif";
  std::vector<std::pair<std::string, Distribution>> neuron;  // parameters and initial state
};

// Spike sources: `poisson` (each of `size` sources fires at `rate` Hz, independently) or
// `spike_times` (each source fires at its listed times [ms]).
struct SourceSpec {
  std::string name, type = "poisson";
  std::size_t size = 1;
  double rate = 0;                         // [Hz] poisson
  std::vector<std::vector<double>> times;  // [ms] spike_times, one list per source
};

enum class SynapseKind { delta, exp_current, alpha_current, exp_conductance, alpha_conductance };
std::string_view synapse_name(SynapseKind kind);
bool parse_synapse(std::string_view name, SynapseKind& kind);
std::vector<std::string_view> synapse_names();
// The unit of a synapse's weight: mV (delta: a jump of V), pA (currents), nS (conductances).
std::string_view weight_unit(SynapseKind kind);

enum class Rule {
  all_to_all,
  one_to_one,
  pairwise_bernoulli,
  fixed_indegree,
  fixed_outdegree,
  fixed_total,
  from_file
};

struct ConnectionRule {
  Rule rule = Rule::all_to_all;
  double p = 0;              // pairwise_bernoulli: probability of each pair
  std::uint64_t number = 0;  // fixed_indegree / fixed_outdegree: per neuron; fixed_total: in all
  bool autapses = true;      // a neuron onto itself (only when source and target are one population)
  bool multapses = true;     // more than one synapse per pair (fixed_* and from_file)
  // from_file: the listed synapses (read by the file reader from a CSV of source,target[,weight]
  // [,delay]); weights [unit of the synapse] and delays [ms] empty when the file has none.
  std::string file{};
  std::vector<std::uint32_t> sources{}, targets{};
  std::vector<double> weights{}, delays{};
  std::vector<std::size_t> lines{};  // the file line of each synapse (for messages)
};

struct ProjectionSpec {
  std::string source, target;  // a population or a source (source side), a population (target)
  ConnectionRule rule;
  SynapseKind synapse = SynapseKind::delta;
  double tau_syn = 5;  // [ms] exponential and alpha synapses
  double E_rev = 0;    // [mV] conductance synapses
  Distribution
      weight;  // [mV] delta, [pA] currents, [nS] conductances; negative: inhibitory (not for conductances)
  Distribution delay;  // [ms] >= dt
};

// Every neuron of `target` receives the same kind of drive: a current input of the single-neuron
// lab (`constant`, `step`, `sine`, `noise`, ...), or `poisson`, an independent Poisson train of
// `rate` Hz per neuron through a synapse.
struct DriveSpec {
  std::string target;
  InputSpec input;  // type "poisson" for spike trains, else a current input
  double rate = 0;  // [Hz] poisson
  SynapseKind synapse = SynapseKind::delta;
  double tau_syn = 5, E_rev = 0;
  double weight = 0;  // as for projections
};

struct StateRecordSpec {
  std::string population;
  std::vector<std::string> variables{"V_m"};
  std::vector<std::size_t> neurons{0};
};

struct NetworkRecordSpec {
  std::vector<std::string> spikes;  // populations whose spikes are written, when spikes_listed
  bool spikes_listed = false;       // false: every population's
  std::vector<StateRecordSpec> state;
  double rate_bin = 0;  // [ms] population rates in bins of this width (0: none)
};

struct NetworkSpec {
  double duration = 1000;  // [ms]
  double dt = 0.1;         // [ms]
  std::uint64_t seed = 1;
  std::string method;  // "" : each model's default
  std::vector<PopulationSpec> populations;
  std::vector<SourceSpec> sources;
  std::vector<ProjectionSpec> projections;
  std::vector<DriveSpec> drives;
  NetworkRecordSpec record;
};

// Checks what can be checked before building: names, sizes, models and their parameters, rules
// (probabilities, degrees against the population sizes), synapses, weights, delays (at least
// dt), drives and recorders. Throws ParameterError with keys such as "projection[2].p".
void validate(const NetworkSpec& network);

// What a valid description may not mean: a current or delta weight drawn from a law that gives
// some synapses the other sign than its mean's (excitatory ones inhibitory, or the reverse).
// Each as a ParameterError (key, value, what it means), to be printed, not thrown.
std::vector<ParameterError> network_warnings(const NetworkSpec& network);

// Grid point n of a step dt [ms], n dt, as the double nearest the decimal meant: n / (1 / dt)
// where 1 / dt is a whole number (dt = 0.1, 0.025 ms), which rounds once, where n x dt would
// carry dt's own rounding (117 x 0.1 = 11.700000000000001); n x dt for other steps.
double grid_time(std::int64_t n, double dt);

// Whether `ms` is a whole number of steps of dt (to 1e-9 of a step), and the message's hint
// otherwise: "e.g. A or B ms", the grid points on either side (at least one step).
bool on_grid(double ms, double dt);
std::string grid_neighbours(double ms, double dt);

// What the network would take at its peak [bytes], building included, on `threads` threads, and
// its number of synapses (expected, for random rules), to refuse one that does not fit.
struct MemoryEstimate {
  double synapses = 0;
  double bytes = 0;
  std::size_t largest = 0;  // the projection with the most synapses (when there is one)
  double largest_synapses = 0;
};
MemoryEstimate estimate_memory(const NetworkSpec& network, std::size_t threads = 1);

// One spike of a network: its neuron (index within its population) and time [ms].
struct NetworkSpike {
  std::uint32_t neuron = 0;
  double t = 0;
};

struct PopulationResult {
  std::string name;
  std::size_t size = 0;
  std::vector<NetworkSpike> spikes;  // in time order, then by neuron (recorded populations only)
  std::uint64_t spike_count = 0;     // every spike, recorded or not
};

// Values of one variable of one neuron at every step t_n = n dt, n = 0 .. steps - 1.
struct StateTrace {
  std::string population, variable, unit;
  std::size_t neuron = 0;
  std::vector<double> values;
};

// How one projection's synapses were stored.
struct ProjectionResult {
  std::string source, target;
  std::uint64_t synapses = 0;
  double bytes = 0;  // memory of its synapses as stored [bytes]
  // "bitmap": a bit per (source, target) pair, the spikes counted per target (multapse repeats in a
  // list); "counted list": targets listed by source, the spikes counted per target and step;
  // "list": targets listed by source, each spike adding its weight to each target
  std::string storage;
};

struct NetworkResult {
  std::vector<PopulationResult> populations;
  std::vector<StateTrace> traces;
  std::vector<std::vector<double>> rates;  // [Hz] per population, per bin of record.rate_bin
  std::int64_t steps = 0;
  double duration = 0;  // [ms] steps x dt
  std::size_t threads = 1;
  std::uint64_t synapses = 0;
  double synapse_bytes = 0;                   // memory of the synapses as stored [bytes]
  std::vector<ProjectionResult> projections;  // in the order of the description's
  double setup_s = 0;                         // wall time of building the network [s]
  double sim_s = 0;                           // wall time of simulating it [s]
};

// Builds the network and simulates it for `duration` on `threads` threads (0: as many as the
// machine has). The spikes are the same, bit for bit, on any number of threads. Throws
// ParameterError for a description validate() refuses or one that will not fit in memory,
// SimulationError when a state turns NaN.
NetworkResult simulate(const NetworkSpec& network, std::size_t threads = 1,
                       const ProgressCallback& progress = {});

// What the spikes of a population say about its regime (Brunel 2000): how fast, how regular each
// neuron fires, and how synchronous the population is.
struct PopulationActivity {
  double rate_hz = 0;  // spikes / (neurons x time)
  double cv_isi = 0;   // mean over neurons with >= 2 intervals of std(ISI)/mean(ISI); NaN if none
  std::size_t neurons_with_cv = 0;
  // Fano factor of the population's spike count in bins of `bin_ms`: about 1 when neurons fire
  // independently, much larger when they fire together. NaN without spikes.
  double fano = 0;
};
// Of the spikes in [t_start, duration] [ms].
PopulationActivity population_activity(const PopulationResult& population, double t_start_ms,
                                       double duration_ms, double bin_ms = 1);

// Bytes of memory this machine can give a run now (available RAM, within any cgroup limit).
double available_memory_bytes();

}  // namespace lapicque
