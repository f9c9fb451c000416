// Drawing connections: each target's sources (or each source's targets) from its own random
// stream, in parallel over neurons, then grouped by source.
#include "network/connectivity.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <span>
#include <unordered_set>
#include <utility>

#include "core/counter_rng.hpp"
#include "core/huge_pages.hpp"
#include "lapicque/error.hpp"
#include "lapicque/parameters.hpp"

namespace lapicque::network {

namespace {

constexpr std::array<std::pair<Rule, std::string_view>, 7> names{{
    {Rule::all_to_all, "all_to_all"},
    {Rule::one_to_one, "one_to_one"},
    {Rule::pairwise_bernoulli, "pairwise_bernoulli"},
    {Rule::fixed_indegree, "fixed_indegree"},
    {Rule::fixed_outdegree, "fixed_outdegree"},
    {Rule::fixed_total, "fixed_total"},
    {Rule::from_file, "from_file"},
}};

// Random streams of one projection: per target for the rules that draw sources, per source for
// fixed_outdegree, per synapse for fixed_total (the `b` word tells them apart).
enum Stream : std::uint32_t { per_target = 1, per_source = 2, per_synapse = 3 };

// out = `out.size()` distinct values of [0, n) (Floyd's algorithm: a uniform subset), in
// increasing order when `sorted`, with `marks` an all-false scratch vector of size n, left all
// false.
void distinct_sample(core::CounterRng& rng, std::uint64_t n, bool sorted, std::vector<char>& marks,
                     std::span<std::uint32_t> out) {
  // Draw i picks from [0, m] with m = n - out.size() + i; all drawn first (in one pass of
  // below_each), then kept or replaced by m in turn.
  const std::uint64_t first_m = n - out.size();
  rng.below_each(out, [&](std::size_t i) { return first_m + i + 1; });
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint32_t t = out[i];
    const auto chosen = marks[t] ? static_cast<std::uint32_t>(first_m + i) : t;
    marks[chosen] = 1;
    out[i] = chosen;
  }
  for (auto v : out) marks[v] = 0;
  if (sorted) std::sort(out.begin(), out.end());
}

// The partners of neuron `self` under the rules that draw from the other side, written to `out`:
// out.size() of [0, n), excluding `self` when `skip_self`; multapses repeat values. In increasing
// order when `sorted` (a source's targets; a target's sources need no order: by_source sorts by
// target). Returns how many: out.size(), or none when no neuron is eligible.
std::size_t draw_partners(core::CounterRng& rng, std::uint64_t n, bool multapses, bool skip_self,
                          std::uint32_t self, bool sorted, std::vector<char>& marks,
                          std::span<std::uint32_t> out) {
  const std::uint64_t eligible = skip_self ? n - 1 : n;
  if (out.empty() || eligible == 0) return 0;
  if (multapses) {
    rng.below_each(out, [&](std::size_t) { return eligible; });
    if (sorted) std::sort(out.begin(), out.end());
  } else {
    distinct_sample(rng, eligible, sorted, marks, out);
  }
  if (skip_self)  // indices past `self` move up by one: `self` itself is never drawn
    for (auto& v : out)
      if (v >= self) ++v;
  return out.size();
}

// Sources of each target -> targets of each source (each list in increasing target order);
// sources_of(t) is a range of target t's sources. In parallel over ranges of targets: each thread
// counts its targets' synapses per source, and the counts of the threads before it tell where in
// each source's list its own go (the synapses of one source land in target order, as in one pass).
template <class SourcesOf>
Connections by_source(std::size_t n_target, std::size_t n_source, SourcesOf&& sources_of) {
  Connections c;
  c.offsets.assign(n_source + 1, 0);
  std::vector<std::vector<std::uint64_t>> next;  // [thread][source]: counts, then write positions
#pragma omp parallel
  {
    const auto T = static_cast<std::size_t>(omp_get_num_threads());
    const auto u = static_cast<std::size_t>(omp_get_thread_num());
#pragma omp single
    next.resize(T);
    // (the implicit barrier of single: `next` is sized)
    const std::size_t first = n_target * u / T, last = n_target * (u + 1) / T;
    auto& own = next[u];
    own.assign(n_source, 0);
    for (std::size_t t = first; t < last; ++t)
      for (auto s : sources_of(t)) ++own[s];
#pragma omp barrier
#pragma omp for schedule(static)
    for (std::size_t s = 0; s < n_source; ++s) {
      std::uint64_t count = 0;
      for (auto& counts : next) count += std::exchange(counts[s], count);  // counts before, per thread
      c.offsets[s + 1] = count;
    }
#pragma omp single
    {
      for (std::size_t s = 0; s < n_source; ++s) c.offsets[s + 1] += c.offsets[s];
      core::reserve_huge(c.targets, c.offsets[n_source]);
      c.targets.resize(c.offsets[n_source]);
    }
    for (std::size_t s = 0; s < n_source; ++s) own[s] += c.offsets[s];
    for (std::size_t t = first; t < last; ++t)
      for (auto s : sources_of(t)) c.targets[own[s]++] = static_cast<std::uint32_t>(t);
  }
  return c;
}

std::string count_text(std::uint64_t n) {
  return std::to_string(n);
}

// A fixed in- or out-degree drawn from `eligible` neurons of the `drawn` side for each neuron of
// the `own` side.
void check_degree(const std::string& key, const ConnectionRule& r, std::uint64_t eligible, const char* drawn,
                  const char* own, bool skip_self) {
  if (r.number > 0 && eligible == 0)
    throw ParameterError(key, count_text(r.number),
                         fmt::format("the {} population has no neuron to draw", drawn));
  if (!r.multapses && r.number > eligible)
    throw ParameterError(
        key, count_text(r.number),
        fmt::format("must be <= {} (the {} neurons{}) without multapses; allow multapses = true or "
                    "lower it",
                    eligible, drawn, skip_self ? fmt::format(" other than the {} itself", own) : ""));
}

}  // namespace

std::string_view rule_name(Rule rule) {
  for (const auto& [r, name] : names)
    if (r == rule) return name;
  return {};
}

bool parse_rule(std::string_view name, Rule& rule) {
  for (const auto& [r, n] : names)
    if (n == name) {
      rule = r;
      return true;
    }
  return false;
}

std::vector<std::string_view> rule_names() {
  std::vector<std::string_view> out;
  for (const auto& entry : names) out.push_back(entry.second);
  return out;
}

void check_rule(const ConnectionRule& r, std::size_t n_source, std::size_t n_target, bool same_population,
                const std::string& prefix) {
  const bool skip_self = same_population && !r.autapses;
  switch (r.rule) {
    case Rule::one_to_one:
      if (n_source != n_target)
        throw ParameterError(
            prefix + "rule", "\"one_to_one\"",
            fmt::format("needs populations of one size (source {}, target {})", n_source, n_target));
      break;
    case Rule::pairwise_bernoulli:
      if (!(r.p >= 0 && r.p <= 1))
        throw ParameterError(prefix + "p", format_double(r.p), "a probability: must lie in [0, 1]");
      break;
    case Rule::fixed_indegree:
      check_degree(prefix + "indegree", r, skip_self ? n_source - 1 : n_source, "source", "target",
                   skip_self);
      break;
    case Rule::fixed_outdegree:
      check_degree(prefix + "outdegree", r, skip_self ? n_target - 1 : n_target, "target", "source",
                   skip_self);
      break;
    case Rule::fixed_total: {
      const double pairs = static_cast<double>(n_source) * static_cast<double>(n_target) -
                           (skip_self ? static_cast<double>(std::min(n_source, n_target)) : 0.0);
      if (r.number > 0 && pairs <= 0)
        throw ParameterError(prefix + "number", count_text(r.number),
                             "the populations have no pair to connect");
      if (!r.multapses && static_cast<double>(r.number) > pairs)
        throw ParameterError(prefix + "number", count_text(r.number),
                             fmt::format("must be <= {} (the distinct pairs) without multapses", pairs));
      break;
    }
    case Rule::from_file: {
      std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
      for (std::size_t k = 0; k < r.sources.size(); ++k) {
        const std::string where = fmt::format("{}:{}", r.file, k < r.lines.size() ? r.lines[k] : k + 2);
        if (r.sources[k] >= n_source || r.targets[k] >= n_target)
          throw ParameterError(
              prefix + "file", where,
              fmt::format("synapse {} -> {} outside the populations (sources 0 to {}, targets 0 "
                          "to {})",
                          r.sources[k], r.targets[k], n_source - 1, n_target - 1));
        if (skip_self && r.sources[k] == r.targets[k])
          throw ParameterError(prefix + "file", where,
                               fmt::format("synapse {} -> {} is an autapse; set autapses = true to allow it",
                                           r.sources[k], r.targets[k]));
        pairs.emplace_back(r.sources[k], r.targets[k]);
      }
      if (!r.multapses) {
        std::sort(pairs.begin(), pairs.end());
        const auto twin = std::adjacent_find(pairs.begin(), pairs.end());
        if (twin != pairs.end())
          throw ParameterError(
              prefix + "file", r.file,
              fmt::format("synapse {} -> {} is listed twice; set multapses = true to allow it", twin->first,
                          twin->second));
      }
      break;
    }
    case Rule::all_to_all:
      break;
  }
  if (n_source > 0xFFFFFFFFull || n_target > 0xFFFFFFFFull)
    throw ParameterError(prefix + "rule", std::string(rule_name(r.rule)),
                         "populations are limited to 2^32 - 1 neurons each");
}

double expected_synapses(const ConnectionRule& r, std::size_t n_source, std::size_t n_target) {
  const auto ns = static_cast<double>(n_source), nt = static_cast<double>(n_target);
  switch (r.rule) {
    case Rule::all_to_all:
      return ns * nt;
    case Rule::one_to_one:
      return ns;
    case Rule::pairwise_bernoulli:
      return r.p * ns * nt;
    case Rule::fixed_indegree:
      return static_cast<double>(r.number) * nt;
    case Rule::fixed_outdegree:
      return static_cast<double>(r.number) * ns;
    case Rule::fixed_total:
      return static_cast<double>(r.number);
    case Rule::from_file:
      return static_cast<double>(r.sources.size());
  }
  return 0;
}

IndegreeDraws::IndegreeDraws(const ConnectionRule& r, std::size_t n_source, bool same_population,
                             std::uint64_t seed, std::uint64_t projection)
    : n_source_(n_source),
      number_(r.number),
      seed_(seed),
      projection_(projection),
      multapses_(r.multapses),
      skip_self_(same_population && !r.autapses) {}

void IndegreeDraws::sources_of(std::size_t t, std::vector<char>& scratch,
                               std::span<std::uint32_t> out) const {
  core::CounterRng rng(seed_, projection_, t, Stream::per_target);
  // (check_rule made sure that the number can be drawn)
  draw_partners(rng, n_source_, multapses_, skip_self_, static_cast<std::uint32_t>(t), false, scratch, out);
}

DrawnSources draw_indegree(const ConnectionRule& r, std::size_t n_source, std::size_t n_target,
                           bool same_population, std::uint64_t seed, std::uint64_t projection) {
  const IndegreeDraws draws(r, n_source, same_population, seed, projection);
  DrawnSources drawn;
  drawn.n_target = n_target;
  drawn.per_target = r.number;
  const std::uint64_t k = r.number;
  // (Left uninitialised: the threads write it first, each its own targets' pages.)
  drawn.sources.reset(new std::uint32_t[n_target * k]);
  core::advise_huge_pages(drawn.sources.get(), n_target * k * sizeof(std::uint32_t));
#pragma omp parallel
  {
    std::vector<char> scratch = draws.scratch();
#pragma omp for schedule(dynamic, 64)
    for (std::size_t t = 0; t < n_target; ++t)
      draws.sources_of(t, scratch, {drawn.sources.get() + t * k, static_cast<std::size_t>(k)});
  }
  return drawn;
}

Connections by_source(const DrawnSources& drawn, std::size_t n_source) {
  return by_source(drawn.n_target, n_source, [&](std::size_t t) { return drawn.of(t); });
}

Connections connect(const ConnectionRule& r, std::size_t n_source, std::size_t n_target, bool same_population,
                    std::uint64_t seed, std::uint64_t projection) {
  const bool skip_self = same_population && !r.autapses;
  if (r.rule == Rule::from_file) {
    // By source, then target, keeping the list's order among equal pairs.
    std::vector<std::uint64_t> order(r.sources.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
      return r.sources[a] < r.sources[b] || (r.sources[a] == r.sources[b] && r.targets[a] < r.targets[b]);
    });
    Connections c;
    c.offsets.assign(n_source + 1, 0);
    for (auto s : r.sources) ++c.offsets[s + 1];
    for (std::size_t s = 0; s < n_source; ++s) c.offsets[s + 1] += c.offsets[s];
    c.targets.reserve(order.size());
    for (auto k : order) c.targets.push_back(r.targets[k]);
    c.order = std::move(order);
    return c;
  }
  if (r.rule == Rule::fixed_total) {
    // One stream for the whole projection, synapse by synapse (a serial draw).
    core::CounterRng rng(seed, projection, 0, per_synapse);
    const std::uint64_t all_pairs =
        n_source * n_target - (skip_self ? std::min<std::uint64_t>(n_source, n_target) : 0);
    if (!r.multapses && r.number * 8 >= all_pairs) {
      // Many of the pairs: each pair in turn, taken with probability (still needed) / (still
      // left), which gives a uniform subset of exactly `number` (Knuth's selection sampling) in
      // time of the pairs, where drawing pairs and refusing repeats slowed down near the last ones.
      Connections c;
      c.offsets.assign(n_source + 1, 0);
      c.targets.reserve(r.number);
      std::uint64_t needed = r.number, left = all_pairs;
      for (std::size_t s = 0; s < n_source; ++s) {
        for (std::size_t t = 0; t < n_target && needed > 0; ++t) {
          if (skip_self && s == t) continue;
          if (rng.uniform() * static_cast<double>(left) < static_cast<double>(needed)) {
            c.targets.push_back(static_cast<std::uint32_t>(t));
            --needed;
          }
          --left;
        }
        c.offsets[s + 1] = c.targets.size();
      }
      return c;
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    pairs.reserve(r.number);
    std::unordered_set<std::uint64_t> seen;
    while (pairs.size() < r.number) {
      const auto s = static_cast<std::uint32_t>(rng.below(n_source));
      const auto t = static_cast<std::uint32_t>(rng.below(n_target));
      if (skip_self && s == t) continue;
      if (!r.multapses && !seen.insert((static_cast<std::uint64_t>(s) << 32) | t).second) continue;
      pairs.emplace_back(s, t);
    }
    std::sort(pairs.begin(), pairs.end());
    Connections c;
    c.offsets.assign(n_source + 1, 0);
    for (const auto& [s, t] : pairs) ++c.offsets[s + 1];
    for (std::size_t s = 0; s < n_source; ++s) c.offsets[s + 1] += c.offsets[s];
    c.targets.reserve(pairs.size());
    for (const auto& pair : pairs) c.targets.push_back(pair.second);
    return c;
  }
  if (r.rule == Rule::fixed_outdegree) {
    std::vector<std::vector<std::uint32_t>> targets_of(n_source);
#pragma omp parallel
    {
      std::vector<char> marks(r.multapses ? 0 : n_target, 0);
#pragma omp for schedule(dynamic, 64)
      for (std::size_t s = 0; s < n_source; ++s) {
        core::CounterRng rng(seed, projection, s, per_source);
        auto& targets = targets_of[s];
        targets.resize(r.number);
        targets.resize(draw_partners(rng, n_target, r.multapses, skip_self, static_cast<std::uint32_t>(s),
                                     true, marks, targets));
      }
    }
    Connections c;
    c.offsets.assign(n_source + 1, 0);
    for (std::size_t s = 0; s < n_source; ++s) c.offsets[s + 1] = c.offsets[s] + targets_of[s].size();
    c.targets.reserve(c.offsets[n_source]);
    for (auto& list : targets_of) c.targets.insert(c.targets.end(), list.begin(), list.end());
    return c;
  }
  if (r.rule == Rule::fixed_indegree)
    return by_source(draw_indegree(r, n_source, n_target, same_population, seed, projection), n_source);
  // The other rules that draw each target's sources.
  std::vector<std::vector<std::uint32_t>> sources_of(n_target);
#pragma omp parallel
  {
    const double log_miss = r.p > 0 && r.p < 1 ? std::log1p(-r.p) : 0;
#pragma omp for schedule(dynamic, 64)
    for (std::size_t t = 0; t < n_target; ++t) {
      auto& sources = sources_of[t];
      const auto self = static_cast<std::uint32_t>(t);
      switch (r.rule) {
        case Rule::all_to_all:
          sources.reserve(n_source);
          for (std::size_t s = 0; s < n_source; ++s)
            if (!(skip_self && s == t)) sources.push_back(static_cast<std::uint32_t>(s));
          break;
        case Rule::one_to_one:
          if (!skip_self) sources.push_back(self);
          break;
        case Rule::pairwise_bernoulli: {
          if (r.p <= 0) break;
          core::CounterRng rng(seed, projection, t, per_target);
          // Geometric gaps between connected sources: one draw per synapse, not per pair.
          double s = -1;
          while (true) {
            s += r.p >= 1 ? 1.0 : 1.0 + std::floor(std::log(rng.uniform()) / log_miss);
            if (s >= static_cast<double>(n_source)) break;
            const auto source = static_cast<std::uint32_t>(s);
            if (!(skip_self && source == self)) sources.push_back(source);
          }
          break;
        }
        default:
          break;
      }
    }
  }
  return by_source(n_target, n_source, [&](std::size_t t) { return std::span(sources_of[t]); });
}

}  // namespace lapicque::network
