// Checking a network description before anything is built, and estimating what it will take.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "lapicque/error.hpp"
#include "lapicque/model.hpp"
#include "lapicque/network.hpp"
#include "network/connectivity.hpp"
#include "network/poisson_counts.hpp"
#include "network/synapse_channel.hpp"

namespace lapicque {

namespace {

constexpr std::array<std::pair<SynapseKind, std::string_view>, 5> synapse_kinds{{
    {SynapseKind::delta, "delta"},
    {SynapseKind::exp_current, "exp_current"},
    {SynapseKind::alpha_current, "alpha_current"},
    {SynapseKind::exp_conductance, "exp_conductance"},
    {SynapseKind::alpha_conductance, "alpha_conductance"},
}};

// The sizes of every population and source by name; false when there is none.
struct Sides {
  const NetworkSpec& n;
  bool population(const std::string& name, std::size_t& size) const {
    return find(n.populations, name, size);
  }
  bool source(const std::string& name, std::size_t& size) const { return find(n.sources, name, size); }
  template <class List>
  static bool find(const List& list, const std::string& name, std::size_t& size) {
    for (const auto& entry : list)
      if (entry.name == name) {
        size = entry.size;
        return true;
      }
    return false;
  }
  // The size of the population `name`, or ParameterError at `key` naming the nearest one.
  std::size_t population_or_throw(const std::string& name, const std::string& key) const {
    std::size_t size = 0;
    if (!population(name, size))
      throw ParameterError(key, "\"" + name + "\"",
                           "no population of that name; " + unknown_name_hint(name, population_names()));
    return size;
  }
  std::vector<std::string_view> population_names() const {
    std::vector<std::string_view> out;
    for (const auto& p : n.populations) out.push_back(p.name);
    return out;
  }
  std::vector<std::string_view> all_names() const {
    auto out = population_names();
    for (const auto& s : n.sources) out.push_back(s.name);
    return out;
  }
};

// The probability that a normal or lognormal value lies in [min, max].
double window_mass(const Distribution& d) {
  const bool normal = d.kind == Distribution::Kind::normal;
  const double lo = normal ? d.min : (d.min > 0 ? std::log(d.min) : -INFINITY);
  const double hi = normal ? d.max : (d.max > 0 ? std::log(d.max) : -INFINITY);
  if (d.b == 0) return d.a >= lo && d.a <= hi ? 1.0 : 0.0;
  const double za = (lo - d.a) / d.b, zb = (hi - d.a) / d.b;
  // (from the nearer tail, where erfc keeps its precision)
  if (za > 0) return 0.5 * (std::erfc(za / std::sqrt(2.0)) - std::erfc(zb / std::sqrt(2.0)));
  return 0.5 * (std::erfc(-zb / std::sqrt(2.0)) - std::erfc(-za / std::sqrt(2.0)));
}
constexpr double min_window_mass = 0.01;

// The share of the values a uniform or normal law draws (within its window) whose sign is not
// its mean's.
double other_sign_share(const Distribution& d) {
  const double mean = d.mean();
  if (d.kind == Distribution::Kind::uniform)
    return d.a < 0 && d.b > 0 ? (mean >= 0 ? -d.a : d.b) / (d.b - d.a) : 0.0;
  if (d.kind != Distribution::Kind::normal) return 0.0;
  Distribution other = d;
  if (mean >= 0)
    other.max = std::min(d.max, 0.0);
  else
    other.min = std::max(d.min, 0.0);
  if (!(other.min < other.max)) return 0.0;
  return window_mass(other) / window_mass(d);
}

void check_distribution(const Distribution& d, const std::string& key, const std::string& unit) {
  const auto finite = [&](double x, const char* what) {
    if (!std::isfinite(x))
      throw ParameterError(key, format_double(x) + " " + unit, fmt::format("{} must be finite", what));
  };
  switch (d.kind) {
    case Distribution::Kind::constant:
      finite(d.a, "the value");
      break;
    case Distribution::Kind::uniform:
      finite(d.a, "low");
      finite(d.b, "high");
      if (!(d.b > d.a))
        throw ParameterError(key, fmt::format("uniform [{}, {}) {}", d.a, d.b, unit), "needs high > low");
      break;
    case Distribution::Kind::normal:
    case Distribution::Kind::lognormal:
      finite(d.a, d.kind == Distribution::Kind::normal ? "mean" : "mu");
      finite(d.b, d.kind == Distribution::Kind::normal ? "std" : "sigma");
      if (!(d.b >= 0))
        throw ParameterError(key, format_double(d.b), "the spread (std or sigma) must be >= 0");
      if (!(d.max > d.min))
        throw ParameterError(key, fmt::format("[{}, {}]", d.min, d.max), "needs max > min");
      // Values outside [min, max] are drawn again: the window must hold a fair part of the
      // distribution, or drawing would go on and on.
      if (const double mass = window_mass(d); !(mass >= min_window_mass))
        throw ParameterError(
            key, fmt::format("min = {}, max = {}{}", d.min, d.max, unit.empty() ? "" : " " + unit),
            fmt::format("the window holds {:.2g} of the {} distribution; it must hold at "
                        "least {}: widen it or move the {}",
                        mass, distribution_name(d.kind), min_window_mass,
                        d.kind == Distribution::Kind::normal ? "mean" : "mu"));
      break;
  }
}

// A Poisson rate [Hz]: its mean count per step, rate x dt, up to network::max_poisson_mean.
void check_poisson_rate(double rate, double dt, const std::string& key) {
  if (!(rate >= 0) || !std::isfinite(rate))
    throw ParameterError(key, format_double(rate) + " Hz", "must be >= 0 Hz");
  const double mean = rate * dt * 1e-3;
  if (mean > network::max_poisson_mean)
    throw ParameterError(key, format_double(rate) + " Hz",
                         fmt::format("{:.4g} events per step of dt = {} ms; at most {:g}: lower the rate "
                                     "or dt",
                                     mean, dt, network::max_poisson_mean));
}

void check_synapse(SynapseKind kind, double tau_syn, double E_rev, const std::string& prefix) {
  if (kind != SynapseKind::delta && !(tau_syn > 0 && std::isfinite(tau_syn)))
    throw ParameterError(prefix + "tau_syn", format_double(tau_syn) + " ms",
                         "the synaptic time constant must be > 0 ms");
  if (network::is_conductance(kind) && !std::isfinite(E_rev))
    throw ParameterError(prefix + "E_rev", format_double(E_rev) + " mV",
                         "the reversal potential must be finite");
}

}  // namespace

double Distribution::mean() const {
  switch (kind) {
    case Kind::constant:
      return a;
    case Kind::uniform:
      return 0.5 * (a + b);
    case Kind::normal:
      return a;
    case Kind::lognormal:
      return std::exp(a + 0.5 * b * b);
  }
  return a;
}

std::string_view distribution_name(Distribution::Kind kind) {
  switch (kind) {
    case Distribution::Kind::constant:
      return "constant";
    case Distribution::Kind::uniform:
      return "uniform";
    case Distribution::Kind::normal:
      return "normal";
    case Distribution::Kind::lognormal:
      return "lognormal";
  }
  return "";
}

std::string_view synapse_name(SynapseKind kind) {
  for (const auto& [k, name] : synapse_kinds)
    if (k == kind) return name;
  return "";
}

bool parse_synapse(std::string_view name, SynapseKind& kind) {
  for (const auto& [k, n] : synapse_kinds)
    if (n == name) {
      kind = k;
      return true;
    }
  return false;
}

std::vector<std::string_view> synapse_names() {
  std::vector<std::string_view> out;
  for (const auto& entry : synapse_kinds) out.push_back(entry.second);
  return out;
}

std::string_view weight_unit(SynapseKind kind) {
  if (kind == SynapseKind::delta) return "mV";
  return network::is_conductance(kind) ? "nS" : "pA";
}

std::vector<ParameterError> network_warnings(const NetworkSpec& n) {
  std::vector<ParameterError> out;
  for (std::size_t k = 0; k < n.projections.size(); ++k) {
    const auto& j = n.projections[k];
    if (network::is_conductance(j.synapse) || j.weight.is_constant()) continue;
    const double share = other_sign_share(j.weight);
    if (share < 1e-3) continue;  // (one synapse in a thousand, or fewer)
    const bool positive = j.weight.mean() >= 0;
    const std::string unit(weight_unit(j.synapse));
    out.emplace_back(
        fmt::format("projection[{}].weight", k),
        fmt::format("{} law of mean {:.4g} {}", distribution_name(j.weight.kind), j.weight.mean(), unit),
        fmt::format("{:.3g}% of the weights drawn are {} 0 {}, so those synapses are {}; if that is not "
                    "meant, give the law a {} of 0",
                    100 * share, positive ? "below" : "above", unit, positive ? "inhibitory" : "excitatory",
                    j.weight.kind == Distribution::Kind::uniform ? (positive ? "low" : "high")
                                                                 : (positive ? "min" : "max")));
  }
  return out;
}

void validate(const NetworkSpec& n) {
  if (!(n.duration > 0) || !std::isfinite(n.duration))
    throw ParameterError("duration", format_double(n.duration) + " ms", "must be > 0 ms");
  if (!(n.dt > 0) || !std::isfinite(n.dt) || n.dt > n.duration)
    throw ParameterError("dt", format_double(n.dt) + " ms", "must be > 0 ms and <= duration");
  if (!on_grid(n.duration, n.dt))
    throw ParameterError("duration", format_double(n.duration) + " ms",
                         fmt::format("must be a whole number of steps of dt = {} ms (a network runs on the "
                                     "grid), {}",
                                     n.dt, grid_neighbours(n.duration, n.dt)));
  if (n.populations.empty())
    throw ParameterError("population", "(none)", "a network needs at least one [[population]]");
  std::set<std::string> names;
  const auto unique_name = [&](const std::string& name, const std::string& key) {
    if (name.empty()) throw ParameterError(key, "\"\"", "every population and source needs a name");
    if (!names.insert(name).second)
      throw ParameterError(key, "\"" + name + "\"", "names must be unique across populations and sources");
  };
  for (std::size_t k = 0; k < n.populations.size(); ++k) {
    const auto& p = n.populations[k];
    const std::string prefix = fmt::format("population[{}].", k);
    unique_name(p.name, prefix + "name");
    if (p.size == 0 || p.size > 0xFFFFFFFFull)
      throw ParameterError(prefix + "size", std::to_string(p.size), "must be between 1 and 2^32 - 1 neurons");
    const Model* model = find_model(p.model);
    if (model == nullptr)
      throw ParameterError(prefix + "model", "\"" + p.model + "\"",
                           "unknown model; " + unknown_name_hint(p.model, model_names()));
    // Every parameter at its mean must be one the model accepts (each drawn value is checked again
    // when the population is built).
    ParamValues means;
    const auto channels = network::channels_of(n, p.name);
    for (const auto& [name, d] : p.neuron) {
      check_distribution(d, prefix + "neuron." + name, "");
      const bool synaptic =  // an initial value of a synaptic variable ("g_E")
          std::any_of(channels.begin(), channels.end(), [&](const auto& c) { return c.name == name; });
      if (!synaptic) means.emplace_back(name, d.mean());
    }
    try {
      model->resolve(means);
    } catch (const ParameterError& e) {
      throw ParameterError(prefix + "neuron." + e.key(), e.value(), e.allowed());
    }
  }
  for (std::size_t k = 0; k < n.sources.size(); ++k) {
    const auto& s = n.sources[k];
    const std::string prefix = fmt::format("source[{}].", k);
    unique_name(s.name, prefix + "name");
    if (s.size == 0 || s.size > 0xFFFFFFFFull)
      throw ParameterError(prefix + "size", std::to_string(s.size), "must be between 1 and 2^32 - 1 sources");
    if (s.type == "poisson") {
      check_poisson_rate(s.rate, n.dt, prefix + "rate");
      if (!s.times.empty())
        throw ParameterError(prefix + "times", fmt::format("{} lists", s.times.size()),
                             "times belong to spike_times sources; a poisson source has a rate");
    } else if (s.type == "spike_times") {
      if (s.times.size() != s.size)
        throw ParameterError(prefix + "times", fmt::format("{} lists", s.times.size()),
                             fmt::format("a spike_times source needs one list of times [ms] per source "
                                         "(size = {})",
                                         s.size));
      if (s.rate != 0)
        throw ParameterError(prefix + "rate", format_double(s.rate) + " Hz",
                             "a rate belongs to poisson sources; spike_times sources send their times");
      for (std::size_t i = 0; i < s.times.size(); ++i)
        for (std::size_t j = 0; j < s.times[i].size(); ++j) {
          const double t = s.times[i][j];
          if (!std::isfinite(t) || t < 0 || (j > 0 && t < s.times[i][j - 1]))
            throw ParameterError(fmt::format("{}times[{}][{}]", prefix, i, j), format_double(t) + " ms",
                                 "spike times must be finite, >= 0 ms and in increasing order");
        }
    } else {
      throw ParameterError(
          prefix + "type", "\"" + s.type + "\"",
          "a source is `poisson` or `spike_times`; " + unknown_name_hint(s.type, {"poisson", "spike_times"}));
    }
  }
  const Sides sides{n};
  for (std::size_t k = 0; k < n.projections.size(); ++k) {
    const auto& j = n.projections[k];
    const std::string prefix = fmt::format("projection[{}].", k);
    std::size_t n_source = 0, n_target = 0;
    if (!sides.population(j.source, n_source) && !sides.source(j.source, n_source))
      throw ParameterError(
          prefix + "source", "\"" + j.source + "\"",
          "no population or source of that name; " + unknown_name_hint(j.source, sides.all_names()));
    n_target = sides.population_or_throw(j.target, prefix + "target");
    network::check_rule(j.rule, n_source, n_target, j.source == j.target, prefix);
    check_synapse(j.synapse, j.tau_syn, j.E_rev, prefix);
    const std::string unit(weight_unit(j.synapse));
    check_distribution(j.weight, prefix + "weight", unit);
    if (network::is_conductance(j.synapse) && (j.weight.is_constant() ? j.weight.a < 0 : false))
      throw ParameterError(prefix + "weight", format_double(j.weight.a) + " nS",
                           "a conductance must be >= 0 nS; inhibition comes from E_rev below the threshold");
    if (j.rule.rule == Rule::from_file && !j.rule.delays.empty())
      continue;  // the list's own, checked when built
    check_distribution(j.delay, prefix + "delay", "ms");
    const double shortest = j.delay.is_constant()                         ? j.delay.a
                            : j.delay.kind == Distribution::Kind::uniform ? j.delay.a
                                                                          : j.delay.min;
    const std::string shortest_name =
        j.delay.is_constant() ? ""
                              : std::string(distribution_name(j.delay.kind)) +
                                    (j.delay.kind == Distribution::Kind::uniform ? ", low = " : ", min = ");
    if (!(shortest >= n.dt * (1 - 1e-9)))
      throw ParameterError(
          prefix + "delay", shortest_name + format_double(shortest) + " ms",
          fmt::format("delays must be >= dt = {} ms (a spike acts from the next step on; for "
                      "drawn delays give low or min >= dt)",
                      n.dt));
    if (!j.delay.is_constant()) {  // drawn delays are kept in 16 bits
      const double longest = j.delay.kind == Distribution::Kind::uniform ? j.delay.b : j.delay.max;
      if (std::isfinite(longest) && longest / n.dt > 65535.5)
        throw ParameterError(
            prefix + "delay",
            std::string(distribution_name(j.delay.kind)) +
                (j.delay.kind == Distribution::Kind::uniform ? ", high = " : ", max = ") +
                format_double(longest) + " ms",
            fmt::format("drawn delays are at most 65535 steps = {} ms", format_double(65535 * n.dt)));
    }
    // Spikes travel on the grid: a constant delay must be a whole number of steps (drawn delays are
    // rounded to the nearest step).
    if (j.delay.is_constant() && !on_grid(j.delay.a, n.dt))
      throw ParameterError(prefix + "delay", format_double(j.delay.a) + " ms",
                           fmt::format("must be a whole number of steps of dt = {} ms (spikes travel on the "
                                       "grid), {}",
                                       n.dt, grid_neighbours(j.delay.a, n.dt)));
  }
  for (std::size_t k = 0; k < n.drives.size(); ++k) {
    const auto& d = n.drives[k];
    const std::string prefix = fmt::format("drive[{}].", k);
    sides.population_or_throw(d.target, prefix + "target");
    if (d.input.type == "poisson") {
      check_poisson_rate(d.rate, n.dt, prefix + "rate");
      check_synapse(d.synapse, d.tau_syn, d.E_rev, prefix);
      if (!std::isfinite(d.weight))
        throw ParameterError(prefix + "weight", format_double(d.weight), "must be finite");
      if (network::is_conductance(d.synapse) && d.weight < 0)
        throw ParameterError(
            prefix + "weight", format_double(d.weight) + " nS",
            "a conductance must be >= 0 nS; inhibition comes from E_rev below the threshold");
    } else {
      try {
        Stimulus check({d.input}, n.seed, n.dt);
      } catch (const ParameterError& e) {  // named "input[0].x" by the inputs: here it is this drive's
        const std::string key = e.key();
        const auto dot = key.find('.');
        throw ParameterError(prefix + (dot == std::string::npos ? key : key.substr(dot + 1)), e.value(),
                             e.allowed());
      }
    }
  }
  for (const auto& name : n.record.spikes) sides.population_or_throw(name, "record.spikes");
  for (std::size_t k = 0; k < n.record.state.size(); ++k) {
    const auto& r = n.record.state[k];
    const std::string prefix = fmt::format("record.state[{}].", k);
    const std::size_t size = sides.population_or_throw(r.population, prefix + "population");
    for (auto i : r.neurons)
      if (i >= size)
        throw ParameterError(prefix + "neurons", std::to_string(i),
                             fmt::format("population {} has neurons 0 to {}", r.population, size - 1));
  }
  if (!(n.record.rate_bin >= 0) || !std::isfinite(n.record.rate_bin))
    throw ParameterError("record.rate_bin", format_double(n.record.rate_bin) + " ms", "must be >= 0 ms");
  if (n.record.rate_bin > 0 && (n.record.rate_bin < n.dt * (1 - 1e-9) || !on_grid(n.record.rate_bin, n.dt)))
    throw ParameterError(  // (bins of whole steps, so that each holds what its times say)
        "record.rate_bin", format_double(n.record.rate_bin) + " ms",
        fmt::format("must be a whole number of steps of dt = {} ms, {}", n.dt,
                    grid_neighbours(n.record.rate_bin, n.dt)));
}

bool on_grid(double ms, double dt) {
  const double steps = ms / dt;
  return std::abs(steps - std::round(steps)) <= 1e-9 * std::max(1.0, steps);
}

std::string grid_neighbours(double ms, double dt) {
  const double below = std::max(1.0, std::floor(ms / dt)), above = std::max(below + 1, std::ceil(ms / dt));
  return fmt::format("e.g. {} or {} ms", format_double(grid_time(static_cast<std::int64_t>(below), dt)),
                     format_double(grid_time(static_cast<std::int64_t>(above), dt)));
}

double grid_time(std::int64_t n, double dt) {
  const double per_ms = std::round(1 / dt);
  if (per_ms >= 1 && std::abs(per_ms * dt - 1) < 1e-12) return static_cast<double>(n) / per_ms;
  return static_cast<double>(n) * dt;
}

MemoryEstimate estimate_memory(const NetworkSpec& n, std::size_t threads) {
  // The layout the engine keeps: per synapse a 32-bit target (16-bit where the target population
  // has at most 65536 neurons), a 32-bit weight unless the projection's weight is constant and a
  // 16-bit delay unless its delay is; per source neuron and projection a 64-bit offset; per
  // neuron its state and a ring of input buffers over the longest delay; per step and population
  // a spike count for each thread, and the recorded values.
  // While a projection is built it takes more: its synapses are drawn by target and then sorted
  // by source, two 32-bit copies at once (fixed_total without multapses, drawing a small part of
  // the pairs, also keeps a hash set of those drawn, about 56 bytes a synapse). On more than one
  // thread each projection's lists are then laid out by thread, a copy of them and a 64-bit start
  // per source and thread kept. Projections are built one after the other, so the peak is what
  // is kept plus the largest of these.
  MemoryEstimate m;
  const Sides sides{n};
  double longest_delay_steps = 1, building = 0;
  for (std::size_t k = 0; k < n.projections.size(); ++k) {
    const auto& j = n.projections[k];
    std::size_t n_source = 0, n_target = 0;
    if (!sides.population(j.source, n_source)) sides.source(j.source, n_source);
    sides.population(j.target, n_target);
    const double synapses = network::expected_synapses(j.rule, n_source, n_target);
    m.synapses += synapses;
    if (synapses > m.largest_synapses) {
      m.largest = k;
      m.largest_synapses = synapses;
    }
    const double target_bytes = n_target <= 65536 ? 2 : 4;
    const double kept_bytes =
        target_bytes + (j.weight.is_constant() ? 0 : 4) + (j.delay.is_constant() ? 0 : 2);
    const double laid_out = threads > 1 ? static_cast<double>(threads) : 0;
    m.bytes += synapses * kept_bytes + 8.0 * static_cast<double>(n_source + 1) * (1 + laid_out);
    const bool hashed = j.rule.rule == Rule::fixed_total && !j.rule.multapses &&
                        8 * static_cast<double>(j.rule.number) < static_cast<double>(n_source) * n_target;
    building = std::max(building, synapses * (8 - target_bytes + (hashed ? 56 : 0)));
    if (threads > 1) building = std::max(building, synapses * kept_bytes);
    const double longest = j.delay.is_constant() ? j.delay.a
                           : j.delay.kind == Distribution::Kind::uniform
                               ? j.delay.b
                               : std::min(j.delay.max, j.delay.a + 6 * j.delay.b);
    longest_delay_steps = std::max(longest_delay_steps, std::ceil(longest / n.dt) + 1);
  }
  m.bytes += building;
  double neurons = 0;
  for (const auto& p : n.populations) neurons += static_cast<double>(p.size);
  // state (up to 8 variables), refractory clock, synaptic variables (up to 4 receptors x 2), rings
  m.bytes += neurons * 8 * (8 + 1 + 8) + neurons * 8 * 2 * longest_delay_steps;
  const double steps = std::ceil(n.duration / n.dt);
  double recorded = 0;  // values a step
  for (const auto& r : n.record.state) recorded += static_cast<double>(r.neurons.size() * r.variables.size());
  m.bytes += steps * (4.0 * static_cast<double>(n.populations.size() * std::max<std::size_t>(threads, 1)) +
                      8.0 * recorded);
  if (n.record.rate_bin > 0)
    m.bytes += n.duration / n.record.rate_bin * 8.0 * static_cast<double>(n.populations.size());
  return m;
}

}  // namespace lapicque
