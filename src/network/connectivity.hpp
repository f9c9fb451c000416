// Connection rules between a source and a target population: which pairs are connected, as
// targets grouped by source (the layout spike delivery reads). The draws are keyed by (seed,
// projection, target) or (seed, projection, source), so the result is the same on any number of
// threads. Rules and their names follow NEST's (all_to_all, one_to_one, pairwise_bernoulli,
// fixed_indegree, fixed_outdegree, fixed_total).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/no_init_allocator.hpp"
#include "lapicque/network.hpp"

namespace lapicque::network {

// The name of a rule as experiment files write it; parse_rule is false for unknown names.
std::string_view rule_name(Rule rule);
bool parse_rule(std::string_view name, Rule& rule);
std::vector<std::string_view> rule_names();

// Synapses by source: the targets of source s are targets[offsets[s] .. offsets[s + 1]), in
// increasing order (repeated for multapses).
struct Connections {
  using Targets = std::vector<std::uint32_t, core::NoInitAllocator<std::uint32_t>>;  // (resized, then filled)
  std::vector<std::uint64_t> offsets;                                                // n_source + 1
  Targets targets;
  std::vector<std::uint64_t> order;  // from_file: the list index of each synapse (else empty)
  std::size_t size() const { return targets.size(); }
  std::size_t out_degree(std::size_t source) const { return offsets[source + 1] - offsets[source]; }
};

// Checks the rule against the population sizes; throws ParameterError (keys "p", "indegree",
// "outdegree", "number", "rule", under `prefix`) with what is allowed.
void check_rule(const ConnectionRule& rule, std::size_t n_source, std::size_t n_target, bool same_population,
                const std::string& prefix);

// The number of synapses the rule makes, or its expectation for pairwise_bernoulli (for the
// memory estimate made before anything is built).
double expected_synapses(const ConnectionRule& rule, std::size_t n_source, std::size_t n_target);

// fixed_indegree's draws of one target's sources, as connect() draws them: a pure function of
// the target (its own random stream), so targets may be drawn in any order, on any thread.
class IndegreeDraws {
 public:
  IndegreeDraws(const ConnectionRule& rule, std::size_t n_source, bool same_population, std::uint64_t seed,
                std::uint64_t projection);
  std::size_t per_target() const { return static_cast<std::size_t>(number_); }
  bool multapses() const { return multapses_; }
  // Scratch that sources_of needs: n_source chars, all 0 (left so), or none with multapses.
  std::vector<char> scratch() const { return std::vector<char>(multapses_ ? 0 : n_source_, 0); }
  // Target t's per_target() sources, in the order drawn.
  void sources_of(std::size_t t, std::vector<char>& scratch, std::span<std::uint32_t> out) const;

 private:
  std::size_t n_source_;
  std::uint64_t number_, seed_, projection_;
  bool multapses_, skip_self_;
};

// All targets' draws: target t's sources at of(t). Large (Brunel's E to E: 10 million), on huge
// pages where the kernel allows.
struct DrawnSources {
  std::unique_ptr<std::uint32_t[]> sources;
  std::uint64_t per_target = 0;
  std::size_t n_target = 0;
  std::span<const std::uint32_t> of(std::size_t t) const {
    return {sources.get() + t * per_target, static_cast<std::size_t>(per_target)};
  }
};
DrawnSources draw_indegree(const ConnectionRule& rule, std::size_t n_source, std::size_t n_target,
                           bool same_population, std::uint64_t seed, std::uint64_t projection);
// The same synapses grouped by source, as connect() returns them.
Connections by_source(const DrawnSources& drawn, std::size_t n_source);

// Draws the connections; `projection` keys this projection's random stream.
Connections connect(const ConnectionRule& rule, std::size_t n_source, std::size_t n_target,
                    bool same_population, std::uint64_t seed, std::uint64_t projection);

}  // namespace lapicque::network
