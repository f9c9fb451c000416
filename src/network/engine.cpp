// Building and running a network.
//
// Time advances in epochs of E steps. A spike of step n arrives at grid point n + 1 + d (delay d
// steps); a channel read on arrival (see network_population.hpp) needs it first in step n + 1 + d,
// another channel in step n + d. So E = the shortest d + 1 over projections onto channels read on
// arrival (COBA's and CUBA's: two steps for their delay of one), d over the others (Brunel's delta
// synapses). Within an epoch no spike can reach any neuron that needs it there, so each thread
// advances its own share of every population without waiting for the others. At the end of the
// epoch one barrier; then each thread delivers every spike of the epoch to the targets it owns,
// reading the spike lists of all threads in the same order whatever their number: projection,
// step, then source neuron. Every buffer is therefore summed in one order, and the spikes are the
// same bit for bit on any number of threads.
#include <fmt/format.h>
#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <limits>

#include "core/huge_pages.hpp"
#include "core/line_aligned_vector.hpp"
#include "core/simd.hpp"
#include "core/thread_pinning.hpp"
#include "lapicque/error.hpp"
#include "lapicque/model.hpp"
#include "lapicque/network.hpp"
#include "network/add_at.hpp"
#include "network/connectivity.hpp"
#include "network/draw.hpp"
#include "network/network_population.hpp"
#include "network/poisson_counts.hpp"
#include "network/spike_list.hpp"
#include "network/spike_record.hpp"
#include "network/spin_barrier.hpp"
#include "network/target_bitmap.hpp"

namespace lapicque {

namespace {

using network::NetworkPopulation;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Threads own neurons in multiples of 64: the Poisson counts' SIMD blocks (and the LIF kernel's
// vectors) never straddle two threads, so every neuron is computed the same way on any count.
constexpr std::size_t thread_grain = 64;

// Counting a projection's spikes (Projection::counts) pays when each target receives many spikes a
// step (Brunel's 1,250 inputs), not for sparse inputs (COBA's 80); its ring of counts (a row of
// 16-bit counts per step of the delay, and one more) is kept only while it stays small (it is read
// at every step).
constexpr double many_inputs_indegree = 200;
bool count_ring_fits(std::int64_t delay_steps, std::size_t padded_targets) {
  const auto rows = static_cast<std::size_t>(delay_steps + 1), width = (padded_targets + 31) / 32 * 32;
  return rows * width * sizeof(std::uint16_t) <= (std::size_t{64} << 20);
}

// [begin, end) of `size` items that thread t of T owns, cut at multiples of `grain`.
std::pair<std::size_t, std::size_t> share(std::size_t size, std::size_t grain, std::size_t t, std::size_t T) {
  const std::size_t blocks = (size + grain - 1) / grain;
  const std::size_t begin = blocks * t / T * grain, end = blocks * (t + 1) / T * grain;
  return {std::min(begin, size), std::min(end, size)};
}

// Something that sends spikes: a population (index < number of populations) or a source.
struct SpikeSource {
  std::string name;
  std::size_t size = 0;
  std::unique_ptr<network::PoissonCounts> poisson;  // poisson sources
  // spike_times sources: (grid point, neuron), sorted; a spike at t is sent from the grid point
  // nearest t.
  std::vector<std::pair<std::int64_t, std::uint32_t>> scheduled;
};

// A thread's own object on a pair of cache lines of its own (core::false_sharing_bytes): objects
// side by side that two threads write at every step (a vector's end pointer) would pass their
// line from core to core at every write.
template <class T>
struct alignas(core::false_sharing_bytes) OnOwnLine : T {};

struct Projection {
  std::size_t sender = 0;  // populations first, then sources
  std::size_t target = 0;  // population
  std::size_t channel = 0;
  network::Connections connections;  // targets emptied when they fit in 16 bits:
  // for target populations of at most 65536 neurons (resized, then filled)
  std::vector<std::uint16_t, core::NoInitAllocator<std::uint16_t>> short_targets;
  double weight = 0;           // when uniform
  std::vector<float> weights;  // per synapse, else
  std::int64_t delay = 0;      // [steps] when constant
  std::vector<std::uint16_t> delays;
  std::int64_t shortest = 0, longest = 0;  // [steps]
  // 0 if the target reads the channel on arrival (the input of grid point n in step n), else 1
  // (in step n - 1)
  std::int64_t read_ahead = 1;
  // Homogeneous weight and constant delay from a population: each target's spikes of a step are
  // counted (16 bits, a small array that stays in the first-level cache) and weighted once,
  // when the step reaches them. Empty otherwise: spikes add their weights into the target's ring.
  // `ring` rows, cut into the threads' shares as the target's arrays are.
  network::ShardedArray<std::uint16_t> counts;
  std::size_t ring = 0;
  bool countable = false;    // homogeneous, constant delay, at most 65535 spikes a target and step
  bool many_inputs = false;  // a target receives many spikes a step (counting pays on its own)
  bool counts_read = false;  // the target's kernel reads the counts itself (the channel's only input)
  // With T threads: where, in each source's sorted list of targets, the targets of threads 1 to
  // T - 1 begin (T - 1 per source, from the list's start), so that a thread goes straight to its
  // part instead of searching the list at every spike.
  std::vector<std::uint32_t> splits;
  // One weight and one delay: each thread's part of a source's list holds its distinct targets
  // first, then the repeats of multapses (add_at.hpp), `repeats` of them ([source][thread]; empty
  // where no list has any).
  std::vector<std::uint32_t> repeats;
  // Counted and dense (a pair in 16 or more connected): the distinct pairs as bits, and the lists
  // above then hold only the repeats of multapses (target_bitmap.hpp).
  network::TargetBitmap bitmap;
  std::uint64_t bitmap_synapses = 0;
  // Thread u's part of source s's list (of T threads), as offsets into the targets: its distinct
  // targets [begin, repeats), then the repeats of multapses up to end.
  struct Range {
    std::uint64_t begin, repeats, end;
  };
  // Once laid out by thread (lay_out_by_thread): where thread u's part of source s begins among
  // the targets, [u x (sources + 1) + s]; it ends where the next begins.
  std::vector<std::uint64_t> thread_starts;
  Range part(std::size_t s, std::size_t u, std::size_t T) const {
    Range r{};
    if (!thread_starts.empty()) {
      const std::uint64_t* at = thread_starts.data() + u * connections.offsets.size() + s;
      r.begin = at[0];
      r.end = at[1];
    } else {
      const std::uint64_t list = connections.offsets[s], list_end = connections.offsets[s + 1];
      const std::uint32_t* cut = splits.data() + s * (T - 1);
      r.begin = u == 0 ? list : list + cut[u - 1];
      r.end = u + 1 == T ? list_end : list + cut[u];
    }
    r.repeats = r.end - (repeats.empty() ? 0 : repeats[s * T + u]);
    return r;
  }
  double bytes() const {
    return static_cast<double>(connections.targets.size() * 4 + short_targets.size() * 2 + counts.bytes() +
                               bitmap.bytes() + connections.offsets.size() * 8 + weights.size() * 4 +
                               delays.size() * 2 + splits.size() * 4 + repeats.size() * 4 +
                               thread_starts.size() * 8);
  }
};

struct Drive {
  std::size_t target = 0, channel = 0;
  double weight = 0;
  std::unique_ptr<network::PoissonCounts> counts;
};

struct Recorder {
  std::size_t population = 0, variable = 0, neuron = 0;
  StateTrace trace;
};

std::int64_t to_steps(double ms, double dt) {
  return static_cast<std::int64_t>(std::llround(ms / dt));
}

// in[i] += count_1[i] w_1 + count_2[i] w_2 + ... for i in [begin, end), multiples of the SIMD
// width, added in that order (as one pass a projection added them), and the counts zeroed: the
// counted projections into one channel in one pass over its row of doubles.
void weigh_counts(double* in, std::uint16_t* const* counts, const double* weights, std::size_t k,
                  std::size_t begin, std::size_t end) {
  using core::Doubles;
  constexpr std::size_t w = core::simd_width;
  for (std::size_t i = begin; i < end; i += w) {
    Doubles sum(in + i, std::experimental::vector_aligned);
    for (std::size_t q = 0; q < k; ++q) sum += core::counts_as_doubles(counts[q] + i) * weights[q];
    sum.copy_to(in + i, std::experimental::vector_aligned);
  }
  for (std::size_t q = 0; q < k; ++q) std::fill(counts[q] + begin, counts[q] + end, std::uint16_t{0});
}

class Engine {
 public:
  Engine(const NetworkSpec& spec, std::size_t threads) : spec_(spec), threads_(threads) {}

  void build();
  void run(NetworkResult& result, const ProgressCallback& progress);
  void collect(NetworkResult& result);

 private:
  std::size_t sender_index(const std::string& name) const {
    for (std::size_t k = 0; k < populations_.size(); ++k)
      if (populations_[k]->name() == name) return k;
    for (std::size_t k = 0; k < sources_.size(); ++k)
      if (sources_[k].name == name) return populations_.size() + k;
    return 0;  // validate() has made sure it exists
  }
  std::size_t sender_size(std::size_t s) const {
    return s < populations_.size() ? populations_[s]->size() : sources_[s - populations_.size()].size;
  }
  void build_projection(std::size_t k);
  void advance_epoch(std::size_t t, std::int64_t first, std::int64_t steps, std::size_t parity);
  void deliver(std::size_t t, std::int64_t first, std::int64_t steps, std::size_t parity);
  template <class Index>
  void deliver(Projection& j, const Index* targets, std::size_t t, std::int64_t first, std::int64_t steps,
               std::size_t parity);
  template <class Targets>
  void to_bitmap(Projection& j, Targets& targets);
  template <class Targets>
  void lay_out_by_thread(Projection& j, Targets& targets);
  template <class Index>
  void cut_lists(Projection& j, Index* targets, bool sorted);
  template <class Targets>
  bool bitmap_from_draws(Projection& j, const network::IndegreeDraws& draws, std::size_t n_target,
                         Targets& kept);
  // The threads' shares of a population, as cut points (0, ..., padded size).
  std::vector<std::size_t> cuts_of(const NetworkPopulation& pop) const {
    std::vector<std::size_t> cuts;
    for (std::size_t t = 0; t < threads_; ++t)
      cuts.push_back(share(pop.padded_size(), thread_grain, t, threads_).first);
    cuts.push_back(pop.padded_size());
    return cuts;
  }
  network::SpikeList& list(std::size_t parity, std::size_t sender, std::size_t t) {
    return lists_[parity][sender * threads_ + t];
  }
  // Thread t's share of sender s (a population, then the sources), computed once: share() divides
  // three times, which every projection and population paid at every epoch.
  std::pair<std::size_t, std::size_t> own(std::size_t s, std::size_t t) const {
    return shares_[s * threads_ + t];
  }

  const NetworkSpec& spec_;
  std::size_t threads_;
  std::int64_t steps_ = 0, epoch_ = 1;
  std::vector<std::unique_ptr<NetworkPopulation>> populations_;
  std::vector<SpikeSource> sources_;
  std::vector<std::pair<std::size_t, std::size_t>> shares_;  // [sender x thread], see own()
  std::vector<Projection> projections_;
  std::vector<Drive> drives_;
  std::vector<Recorder> recorders_;
  std::vector<char> recorded_;                                        // per population: spikes kept
  std::vector<std::vector<OnOwnLine<network::SpikeRecord>>> spikes_;  // [population][thread]
  std::vector<std::vector<std::vector<std::uint32_t>>> counts_;       // [population][thread][step]
  std::array<std::vector<network::SpikeList>, 2> lists_;              // [epoch parity][sender x thread]
  std::vector<OnOwnLine<network::SpikeBuffer>> found_;                // [thread]: scratch of one step
  // [population]: per channel, the counted projections it weighs at every step (weigh_counts)
  std::vector<std::vector<std::vector<std::size_t>>> weighed_;
  // A spike's part of a target list to deliver: [begin, end) as offsets into the projection's
  // targets, and the step of the epoch it was sent in.
  struct Part {
    std::uint64_t begin, repeats, end;  // [begin, repeats) distinct targets, then their repeats
    std::uint32_t step;
  };
  std::vector<OnOwnLine<std::vector<Part>>> parts_;  // [thread]: scratch of one projection's delivery
  // [thread]: scratch of a bitmap's delivery, the senders of a step and their rows
  std::vector<OnOwnLine<std::vector<std::uint32_t>>> step_senders_;
  std::vector<OnOwnLine<std::vector<const std::uint64_t*>>> step_rows_;
};

void Engine::build() {
  const NetworkSpec& n = spec_;
  steps_ = static_cast<std::int64_t>(std::ceil(n.duration / n.dt - 1e-9));
  for (std::size_t k = 0; k < n.populations.size(); ++k)
    populations_.push_back(network::make_network_population(n.populations[k], k, n));
  for (std::size_t k = 0; k < n.sources.size(); ++k) {
    const auto& s = n.sources[k];
    SpikeSource source;
    source.name = s.name;
    // (A source no projection reads sends nothing: its numbers would be drawn for nobody.)
    const bool read = std::any_of(n.projections.begin(), n.projections.end(),
                                  [&](const ProjectionSpec& j) { return j.source == s.name; });
    if (s.type == "poisson") {
      source.size = s.size;
      if (read)
        source.poisson = std::make_unique<network::PoissonCounts>(s.rate * n.dt * 1e-3, n.seed,
                                                                  network::source_stream + k);
    } else {
      source.size = s.times.size();
      for (std::size_t i = 0; i < s.times.size(); ++i)
        for (double t : s.times[i])
          if (to_steps(t, n.dt) <= steps_) source.scheduled.emplace_back(to_steps(t, n.dt), i);
      std::sort(source.scheduled.begin(), source.scheduled.end());
    }
    sources_.push_back(std::move(source));
  }
  for (const auto& pop : populations_)
    for (std::size_t t = 0; t < threads_; ++t)
      shares_.push_back(share(pop->padded_size(), thread_grain, t, threads_));
  for (const auto& source : sources_)
    for (std::size_t t = 0; t < threads_; ++t) shares_.push_back(share(source.size, 4, t, threads_));
  for (std::size_t k = 0; k < n.projections.size(); ++k) build_projection(k);
  for (std::size_t k = 0; k < n.drives.size(); ++k) {
    const auto& d = n.drives[k];
    const std::size_t target = sender_index(d.target);
    if (d.input.type == "poisson") {
      Drive drive;
      drive.target = target;
      drive.channel = populations_[target]->channel(d.synapse, d.tau_syn, d.E_rev);
      drive.weight = d.weight;
      drive.counts =
          std::make_unique<network::PoissonCounts>(d.rate * n.dt * 1e-3, n.seed, network::drive_stream + k);
      drives_.push_back(std::move(drive));
    }
  }
  // Current inputs: all of one population's in one stimulus, seeded per population.
  for (std::size_t p = 0; p < populations_.size(); ++p) {
    std::vector<InputSpec> inputs;
    for (const auto& d : n.drives)
      if (d.input.type != "poisson" && sender_index(d.target) == p) inputs.push_back(d.input);
    if (!inputs.empty())
      populations_[p]->set_current_input(Stimulus(inputs, n.seed + network::input_stream + p, n.dt));
  }
  std::int64_t epoch = std::numeric_limits<std::int64_t>::max();
  for (auto& j : projections_) {
    j.read_ahead = populations_[j.target]->reads_on_arrival(j.channel) ? 0 : 1;
    epoch = std::min(epoch, j.shortest + 1 - j.read_ahead);
  }
  epoch_ = projections_.empty() ? 100 : std::max<std::int64_t>(1, epoch);
  // Which projections count their spikes (j.ring > 0): in rings of their own, only while they
  // stay small (they are read at every step).
  for (auto& j : projections_) {
    if (!j.countable || !count_ring_fits(j.delay, populations_[j.target]->padded_size())) continue;
    // The channel's only input: its kernel may read the counts in place of a row of doubles
    // that it would read and clear at every step (CUBA's kernel is bound by the bytes it moves).
    bool alone = true;
    for (const auto& other : projections_)
      alone = alone && (&other == &j || other.target != j.target || other.channel != j.channel);
    for (const auto& d : drives_) alone = alone && (d.target != j.target || d.channel != j.channel);
    j.counts_read = alone && populations_[j.target]->can_read_counts(j.channel);
    if (j.counts_read || j.many_inputs) j.ring = static_cast<std::size_t>(j.delay + 1);
  }
  // A channel's ring of input buffers must hold every grid point from the one read next to the
  // farthest a spike written into it can reach: the longest delay of the projections that add
  // their weights there. Counted ones write only grid point n + 1 at step n (as the drives do),
  // so a channel fed by counts and drives alone keeps two rows, which stay in cache, where
  // Brunel's rows over its 1.5 ms delay took 1.6 MB.
  for (std::size_t p = 0; p < populations_.size(); ++p) {
    std::vector<std::size_t> lengths(populations_[p]->channels().size(), 2);
    for (const auto& j : projections_)
      if (j.target == p && j.ring == 0)
        lengths[j.channel] = std::max(lengths[j.channel], static_cast<std::size_t>(j.longest + 1));
    populations_[p]->allocate(lengths, cuts_of(*populations_[p]));
  }
  for (auto& j : projections_) {
    if (j.ring == 0) continue;
    j.counts = network::ShardedArray<std::uint16_t>(populations_[j.target]->padded_size(), 0, j.ring);
    j.counts.cut(cuts_of(*populations_[j.target]));
    if (j.counts_read) populations_[j.target]->read_counts(j.channel, &j.counts, j.weight);
    if (j.bitmap.empty()) {  // (else made from the draws: bitmap_from_draws)
      if (j.short_targets.empty())
        to_bitmap(j, j.connections.targets);
      else
        to_bitmap(j, j.short_targets);
    }
  }
  if (threads_ > 1)
    for (auto& j : projections_) {
      if (j.short_targets.empty())
        lay_out_by_thread(j, j.connections.targets);
      else
        lay_out_by_thread(j, j.short_targets);
    }
  weighed_.resize(populations_.size());
  for (std::size_t p = 0; p < populations_.size(); ++p)
    for (std::size_t c = 0; c < populations_[p]->channels().size(); ++c) {
      std::vector<std::size_t> group;
      for (std::size_t k = 0; k < projections_.size(); ++k) {
        const auto& j = projections_[k];
        if (j.target == p && j.channel == c && j.counts.size() > 0 && !j.counts_read) group.push_back(k);
      }
      if (!group.empty()) weighed_[p].push_back(std::move(group));
    }
  // Initial values of synaptic variables given in the neuron tables ("g_E").
  for (std::size_t p = 0; p < populations_.size(); ++p) {
    const auto& table = n.populations[p].neuron;
    for (std::size_t k = 0; k < table.size(); ++k) {
      if (!populations_[p]->set_synaptic(table[k].first, 0, 0.0)) continue;
      for (std::size_t i = 0; i < populations_[p]->size(); ++i) {
        core::CounterRng rng(n.seed, network::neuron_parameter_stream + p * 4096 + k, i);
        populations_[p]->set_synaptic(
            table[k].first, i,
            network::draw(table[k].second, rng, fmt::format("population[{}].neuron.{}", p, table[k].first)));
      }
    }
  }

  const std::size_t senders = populations_.size() + sources_.size();
  for (auto& lists : lists_) lists.resize(senders * threads_);
  found_.resize(threads_);
  parts_.resize(threads_);
  step_senders_.resize(threads_);
  step_rows_.resize(threads_);
  recorded_.assign(populations_.size(), !n.record.spikes_listed);
  for (const auto& name : n.record.spikes) recorded_[sender_index(name)] = 1;
  spikes_.assign(populations_.size(), std::vector<OnOwnLine<network::SpikeRecord>>(threads_));
  counts_.assign(populations_.size(),
                 std::vector<std::vector<std::uint32_t>>(threads_, std::vector<std::uint32_t>(steps_, 0)));
  for (const auto& r : n.record.state) {
    const std::size_t p = sender_index(r.population);
    const auto variables = populations_[p]->variables();
    for (const auto& name : r.variables) {
      std::size_t v = 0;
      while (v < variables.size() && variables[v].name != name) ++v;
      if (v == variables.size()) {
        std::vector<std::string_view> names;
        for (const auto& info : variables) names.push_back(info.name);
        throw ParameterError("record.state.variables", "\"" + name + "\"",
                             fmt::format("population {} has no variable of that name; {}", r.population,
                                         unknown_name_hint(name, names)));
      }
      for (auto neuron : r.neurons) {
        Recorder rec{p, v, neuron, {}};
        rec.trace = {r.population, name, variables[v].unit, neuron, std::vector<double>(steps_, 0.0)};
        recorders_.push_back(std::move(rec));
      }
    }
  }
}

void Engine::build_projection(std::size_t k) {
  const NetworkSpec& n = spec_;
  const auto& spec = n.projections[k];
  Projection j;
  j.sender = sender_index(spec.source);
  j.target = sender_index(spec.target);
  j.channel = populations_[j.target]->channel(spec.synapse, spec.tau_syn, spec.E_rev);
  const std::size_t n_target = populations_[j.target]->size();
  // A fixed in-degree of many inputs, one weight and one delay (Brunel's): its spikes will be
  // counted, and if one pair in 16 or more is connected, through a bitmap. It is then made
  // straight from the draws, target by target, without the array of all draws (Brunel's 62 MB,
  // whose first touch of every page took a fifth of the set-up) nor the lists by source that
  // to_bitmap would turn into one.
  const bool direct = spec.rule.rule == Rule::fixed_indegree && j.sender < populations_.size() &&
                      spec.weight.is_constant() && spec.delay.is_constant() && spec.rule.number <= 65535 &&
                      static_cast<double>(spec.rule.number) >= many_inputs_indegree &&
                      spec.rule.number * 16 >= sender_size(j.sender) &&
                      count_ring_fits(to_steps(spec.delay.a, n.dt), populations_[j.target]->padded_size());
  if (direct) {
    const network::IndegreeDraws draws(spec.rule, sender_size(j.sender), j.sender == j.target, n.seed, k);
    const bool made = n_target <= 65536 ? bitmap_from_draws(j, draws, n_target, j.short_targets)
                                        : bitmap_from_draws(j, draws, n_target, j.connections.targets);
    if (made) {
      j.weight = spec.weight.a;
      j.delay = j.shortest = j.longest = to_steps(spec.delay.a, n.dt);
      j.countable = j.many_inputs = true;
      projections_.push_back(std::move(j));
      return;
    }
    // (Too few distinct pairs for a bitmap, multapses being many: the same draws, by source.)
    j.connections = network::by_source(
        network::draw_indegree(spec.rule, sender_size(j.sender), n_target, j.sender == j.target, n.seed, k),
        sender_size(j.sender));
  } else {
    j.connections =
        network::connect(spec.rule, sender_size(j.sender), n_target, j.sender == j.target, n.seed, k);
  }
  const auto& c = j.connections;
  const std::size_t n_source = c.offsets.size() - 1;
  const std::string prefix = fmt::format("projection[{}].", k);
  const bool listed_weights = spec.rule.rule == Rule::from_file && !spec.rule.weights.empty();
  const bool listed_delays = spec.rule.rule == Rule::from_file && !spec.rule.delays.empty();
  if (listed_weights) {  // the file's, in the order of the stored synapses
    j.weights.resize(c.size());
    for (std::size_t e = 0; e < c.size(); ++e) {
      const double w = spec.rule.weights[c.order[e]];
      if (!std::isfinite(w) || (network::is_conductance(spec.synapse) && w < 0))
        throw ParameterError(prefix + "file",
                             fmt::format("{}:{}", spec.rule.file, spec.rule.lines[c.order[e]]),
                             fmt::format("weight {} {}: must be finite{}", w, weight_unit(spec.synapse),
                                         network::is_conductance(spec.synapse) ? " and >= 0 nS" : ""));
      j.weights[e] = static_cast<float>(w);
    }
  } else if (spec.weight.is_constant()) {
    j.weight = spec.weight.a;
  } else {
    j.weights.resize(c.size());
    std::atomic<bool> negative{false};
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads_)
    for (std::size_t s = 0; s < n_source; ++s) {
      core::CounterRng rng(n.seed, network::weight_stream + k, s);
      for (auto e = c.offsets[s]; e < c.offsets[s + 1]; ++e) {
        j.weights[e] = static_cast<float>(network::draw(spec.weight, rng, prefix + "weight"));
        if (network::is_conductance(spec.synapse) && j.weights[e] < 0) negative = true;
      }
    }
    if (negative)
      throw ParameterError(prefix + "weight", "a drawn value < 0 nS",
                           "conductances must be >= 0 nS: give the distribution min = 0");
  }
  if (listed_delays) {
    j.delays.resize(c.size());
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = 1;
    for (std::size_t e = 0; e < c.size(); ++e) {
      const double d = spec.rule.delays[c.order[e]];
      if (!(d >= n.dt * (1 - 1e-9)) || !(d <= 65535 * n.dt))
        throw ParameterError(
            prefix + "file", fmt::format("{}:{}", spec.rule.file, spec.rule.lines[c.order[e]]),
            fmt::format("delay {} ms: must lie in [dt, 65535 dt] = [{}, {}] ms", d, n.dt, 65535 * n.dt));
      const auto steps = to_steps(d, n.dt);
      if (!on_grid(d, n.dt))
        throw ParameterError(prefix + "file",
                             fmt::format("{}:{}", spec.rule.file, spec.rule.lines[c.order[e]]),
                             fmt::format("delay {} ms: must be a whole number of steps of dt = {} ms (spikes "
                                         "travel on the grid), {}",
                                         format_double(d), n.dt, grid_neighbours(d, n.dt)));
      j.delays[e] = static_cast<std::uint16_t>(steps);
      lo = std::min(lo, steps);
      hi = std::max(hi, steps);
    }
    j.shortest = c.size() ? lo : 1;
    j.longest = hi;
  } else if (spec.delay.is_constant()) {
    j.delay = j.shortest = j.longest = to_steps(spec.delay.a, n.dt);
  } else {
    j.delays.resize(c.size());
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = 1;
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads_) reduction(min : lo) reduction(max : hi)
    for (std::size_t s = 0; s < n_source; ++s) {
      core::CounterRng rng(n.seed, network::delay_stream + k, s);
      for (auto e = c.offsets[s]; e < c.offsets[s + 1]; ++e) {
        // rounded to the grid, at least one step (validate() asks for min >= dt)
        const auto d =
            std::max<std::int64_t>(to_steps(network::draw(spec.delay, rng, prefix + "delay"), n.dt), 1);
        j.delays[e] = static_cast<std::uint16_t>(std::min<std::int64_t>(d, 65535));
        lo = std::min(lo, d);
        hi = std::max(hi, d);
      }
    }
    if (hi > 65535)  // (only an unbounded tail gets here: validate() checks max and high)
      throw ParameterError(prefix + "delay", fmt::format("a drawn delay of {} ms", format_double(hi * n.dt)),
                           fmt::format("delays are at most 65535 steps = {} ms: give the distribution a "
                                       "max at or below that",
                                       format_double(65535 * n.dt)));
    j.shortest = c.size() ? lo : 1;
    j.longest = hi;
  }
  // Counting needs at most 65535 spikes per target and step: one per synapse from neurons.
  if (j.weights.empty() && j.delays.empty() && j.sender < populations_.size()) {
    std::uint64_t most = 0;
    if (spec.rule.rule == Rule::fixed_indegree) {
      most = spec.rule.number;
    } else {
      std::vector<std::uint32_t> indegree(populations_[j.target]->size(), 0);
      for (auto target : c.targets) ++indegree[target];
      for (auto d : indegree) most = std::max<std::uint64_t>(most, d);
    }
    const double mean_indegree =
        static_cast<double>(c.size()) / static_cast<double>(populations_[j.target]->size());
    j.countable = most <= 65535;
    j.many_inputs = mean_indegree >= many_inputs_indegree;
  }
  cut_lists(j, j.connections.targets.data(), true);
  if (j.weights.empty() && j.delays.empty())
    std::vector<std::uint64_t>().swap(j.connections.order);  // (no longer the stored order)
  // Half the bytes to read per spike where the target population allows it.
  if (populations_[j.target]->size() <= 65536) {
    core::reserve_huge(j.short_targets, c.targets.size());
    j.short_targets.assign(c.targets.begin(), c.targets.end());
    network::Connections::Targets().swap(j.connections.targets);
    std::vector<std::uint64_t>().swap(j.connections.order);
  }
  projections_.push_back(std::move(j));
}

// What to_bitmap makes of a counted fixed_indegree projection, made straight from its draws by
// target: the bitmap of the distinct pairs, and the repeats of multapses as lists by source cut
// into the threads' parts, each part's second synapses of a pair first (distinct), then the third
// and later ones. False, with nothing changed, where fewer than one pair in 16 is connected.
template <class Targets>
bool Engine::bitmap_from_draws(Projection& j, const network::IndegreeDraws& draws, std::size_t n_target,
                               Targets& kept) {
  using Index = typename Targets::value_type;
  const std::size_t n_source = sender_size(j.sender), T = threads_;
  network::TargetBitmap bitmap(n_source, populations_[j.target]->padded_size());
  // A block of 64 targets at a time: their bits of every row gathered in a column of words (80 KB
  // for Brunel's 10,000 sources, in the core's cache), then written out row by row. Set straight
  // into the rows, the bits of a block scattered over 10,000 lines (more than the cache holds
  // alongside the rest): Brunel's E to E took 9-11 ns a synapse on one thread, 7-9 with the
  // column. Each thread takes whole runs of 512 targets (a cache line of each row): no line is
  // written by two threads. Repeats as (source, target) pairs.
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> repeats_of(T);
#pragma omp parallel num_threads(threads_)
  {
    auto& repeats = repeats_of[static_cast<std::size_t>(omp_get_thread_num())];
    // Room for the repeats expected of k draws from n with multapses, k - n (1 - (1 - 1/n)^k) a
    // target, and a tenth more (Brunel's E to E: 44 of 1,000): grown by doubling, their copies took
    // about a seventh of the samples of this loop in perf.
    const double k = static_cast<double>(draws.per_target()), n = static_cast<double>(n_source);
    if (draws.multapses())
      repeats.reserve(static_cast<std::size_t>(1.1 * (k - n * -std::expm1(k * std::log1p(-1 / n))) *
                                               static_cast<double>(n_target) / static_cast<double>(T)));
    std::vector<std::uint64_t> column(n_source, 0);  // the block's word of each row
    std::vector<char> scratch = draws.scratch();
    std::vector<std::uint32_t> sources(draws.per_target());  // the target at hand's
    constexpr std::size_t blocks_per_run = 64 / sizeof(std::uint64_t);
#pragma omp for schedule(dynamic, blocks_per_run)
    for (std::size_t block = 0; block < (n_target + 63) / 64; ++block) {
      for (std::size_t t = block * 64; t < std::min(n_target, block * 64 + 64); ++t) {
        draws.sources_of(t, scratch, sources);
        const std::uint64_t bit = std::uint64_t{1} << (t % 64);
        for (const std::uint32_t source : sources)
          if (column[source] & bit)
            repeats.emplace_back(source, static_cast<std::uint32_t>(t));
          else
            column[source] |= bit;
      }
      for (std::size_t s = 0; s < n_source; ++s) bitmap.set_word(s, block, std::exchange(column[s], 0));
    }
  }
  std::vector<std::uint64_t> offsets(n_source + 1, 0);
  for (const auto& repeats : repeats_of)
    for (const auto& [s, t] : repeats) ++offsets[s + 1];
  for (std::size_t s = 0; s < n_source; ++s) offsets[s + 1] += offsets[s];
  const std::uint64_t distinct = n_target * draws.per_target() - offsets[n_source];
  if (static_cast<double>(distinct) * 16 < static_cast<double>(n_source) * static_cast<double>(n_target))
    return false;
  Targets lists(offsets[n_source]);
  {
    std::vector<std::uint64_t> next(offsets.begin(), offsets.end() - 1);
    for (const auto& repeats : repeats_of)
      for (const auto& [s, t] : repeats) lists[next[s]++] = static_cast<Index>(t);
  }
  j.bitmap = std::move(bitmap);
  j.bitmap_synapses = distinct;
  kept.swap(lists);
  j.connections.offsets.swap(offsets);
  cut_lists(j, kept.data(), false);
  return true;
}

// Cuts each source's list of targets into the threads' parts (splits). Where the order of a list
// is free (one weight and one delay: every addition into a target adds the same w), each part
// then holds its distinct targets first and the repeats of multapses after them (repeats; emptied
// where no part has any), which delivery takes faster (add_at.hpp). Lists not `sorted` are sorted
// first; lists with a weight or a delay per synapse are sorted already and keep their order.
template <class Index>
void Engine::cut_lists(Projection& j, Index* targets, bool sorted) {
  const std::uint64_t* const offsets = j.connections.offsets.data();
  const std::size_t n_source = j.connections.offsets.size() - 1, T = threads_;
  const auto cuts = cuts_of(*populations_[j.target]);
  const bool free_order = j.weights.empty() && j.delays.empty();
  j.splits.assign(n_source * (T - 1), 0);
  std::vector<std::uint32_t> repeats(free_order ? n_source * T : 0, 0);
  bool any = false;
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads_) reduction(|| : any)
  for (std::size_t s = 0; s < n_source; ++s) {
    Index* const list = targets + offsets[s];
    const std::size_t length = offsets[s + 1] - offsets[s];
    if (free_order && !sorted) std::sort(list, list + length);
    std::size_t from = 0;
    for (std::size_t u = 0; u < T; ++u) {
      std::size_t to = length;
      if (u + 1 < T) {
        to = static_cast<std::size_t>(std::lower_bound(list, list + length, cuts[u + 1]) - list);
        j.splits[s * (T - 1) + u] = static_cast<std::uint32_t>(to);
      }
      if (free_order) {
        repeats[s * T + u] =
            static_cast<std::uint32_t>(list + to - network::firsts_then_repeats(list + from, list + to));
        any = any || repeats[s * T + u] > 0;
      }
      from = to;
    }
  }
  if (any)
    j.repeats.swap(repeats);
  else
    std::vector<std::uint32_t>().swap(j.repeats);
}

// A counted projection with one pair in 16 or more connected goes over to a bitmap: it then takes
// no more memory than the list of 16-bit targets, and its spikes are counted a vector of targets
// at a time. Only the repeats of multapses stay in the lists, by source and thread as before.
template <class Targets>
void Engine::to_bitmap(Projection& j, Targets& targets) {
  const std::size_t n_source = j.connections.offsets.size() - 1, T = threads_;
  const std::size_t n_target = populations_[j.target]->size();
  std::uint64_t repeats = 0;
  for (const auto r : j.repeats) repeats += r;
  const std::uint64_t distinct = targets.size() - repeats;
  if (static_cast<double>(distinct) * 16 < static_cast<double>(n_source) * static_cast<double>(n_target))
    return;

  network::TargetBitmap bitmap(n_source, populations_[j.target]->padded_size());
  std::vector<std::uint64_t> kept_offsets(n_source + 1, 0);
  for (std::size_t s = 0; s < n_source; ++s) {
    std::uint64_t kept = 0;
    for (std::size_t u = 0; u < T; ++u) {
      const auto r = j.part(s, u, T);
      kept += r.end - r.repeats;
    }
    kept_offsets[s + 1] = kept_offsets[s] + kept;
  }
  // The distinct pairs to bits; the second and later synapses of a pair stay, cut anew.
  Targets kept(kept_offsets.back());
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads_)
  for (std::size_t s = 0; s < n_source; ++s) {
    std::uint64_t at = kept_offsets[s];
    for (std::size_t u = 0; u < T; ++u) {
      const auto [begin, first_repeat, end] = j.part(s, u, T);
      for (auto e = begin; e < first_repeat; ++e) bitmap.set(s, targets[e]);
      std::copy(targets.begin() + static_cast<std::ptrdiff_t>(first_repeat),
                targets.begin() + static_cast<std::ptrdiff_t>(end),
                kept.begin() + static_cast<std::ptrdiff_t>(at));
      at += end - first_repeat;
    }
  }
  j.bitmap = std::move(bitmap);
  j.bitmap_synapses = distinct;
  targets.swap(kept);
  Targets().swap(kept);
  j.connections.offsets.swap(kept_offsets);
  cut_lists(j, targets.data(), false);
}

// Each thread's parts of all the lists side by side, in the order of the sources: a thread then
// reads lines of its own only, half as many bytes as the whole lists on two threads, where its
// parts inside the lists shared their first and last lines with the neighbours' and spread its
// reads over all the lists' lines.
template <class Targets>
void Engine::lay_out_by_thread(Projection& j, Targets& targets) {
  const std::size_t n_source = j.connections.offsets.size() - 1, T = threads_;
  if (targets.empty()) return;
  std::vector<std::uint64_t> starts(T * (n_source + 1));
  std::uint64_t at = 0;
  for (std::size_t u = 0; u < T; ++u) {
    for (std::size_t s = 0; s < n_source; ++s) {
      starts[u * (n_source + 1) + s] = at;
      const auto r = j.part(s, u, T);
      at += r.end - r.begin;
    }
    starts[u * (n_source + 1) + n_source] = at;
  }
  // (A copy the size of the lists, for a moment: on huge pages, filled in parallel, each page
  // first touched by the copy; Brunel at ten times its size, 156 million synapses, took 3.1-3.3 s
  // to set up with a plain serial copy, against 1.7-1.9 s without one.)
  Targets laid;
  core::reserve_huge(laid, targets.size());
  laid.resize(targets.size());
  std::vector<float> weights(j.weights.size());
  std::vector<std::uint16_t> delays(j.delays.size());
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads_)
  for (std::size_t s = 0; s < n_source; ++s)
    for (std::size_t u = 0; u < T; ++u) {
      const auto r = j.part(s, u, T);
      const std::uint64_t to = starts[u * (n_source + 1) + s];
      const auto move_part = [&](const auto& from, auto& into) {
        if (!from.empty())
          std::copy(from.begin() + static_cast<std::ptrdiff_t>(r.begin),
                    from.begin() + static_cast<std::ptrdiff_t>(r.end),
                    into.begin() + static_cast<std::ptrdiff_t>(to));
      };
      move_part(targets, laid);
      move_part(j.weights, weights);
      move_part(j.delays, delays);
    }
  targets.swap(laid);
  j.weights.swap(weights);
  j.delays.swap(delays);
  j.thread_starts.swap(starts);
  std::vector<std::uint32_t>().swap(j.splits);
}

// Thread t advances its neurons and sources over steps [first, first + steps).
void Engine::advance_epoch(std::size_t t, std::int64_t first, std::int64_t steps, std::size_t parity) {
  const std::size_t P = populations_.size();
  for (std::size_t s = 0; s < P + sources_.size(); ++s) list(parity, s, t).clear();
  network::SpikeBuffer& found = found_[t];
  for (std::int64_t n = first; n < first + steps; ++n) {
    for (std::size_t p = 0; p < P; ++p) {
      auto& pop = *populations_[p];
      const auto [begin, end] = own(p, t);
      for (auto& r : recorders_)
        if (r.population == p && r.neuron >= begin && r.neuron < end)
          r.trace.values[n] = pop.value(r.variable, r.neuron, n);
      for (const auto& group : weighed_[p]) {  // counted spikes that step n reads, weighted
        std::array<std::uint16_t*, 8> counts;
        std::array<double, 8> weights;
        const auto& first_j = projections_[group[0]];
        const std::int64_t grid = n + first_j.read_ahead;  // (the channel's: one for all)
        double* in = pop.arrivals(first_j.channel, grid, t);
        for (std::size_t done = 0; done < group.size(); done += counts.size()) {
          const std::size_t k = std::min(counts.size(), group.size() - done);
          for (std::size_t q = 0; q < k; ++q) {
            auto& j = projections_[group[done + q]];
            counts[q] = j.counts.base(t, static_cast<std::size_t>(grid % static_cast<std::int64_t>(j.ring)));
            weights[q] = j.weight;
          }
          weigh_counts(in, counts.data(), weights.data(), k, begin, end);
        }
      }
      for (const auto& d : drives_)
        if (d.target == p) d.counts->add(n, begin, end, d.weight, pop.arrivals(d.channel, n + 1, t));
      found.clear();
      pop.step(begin, end, n, found);
      auto& out = list(parity, p, t);
      for (const auto& spike : found) out.push(spike.neuron);
      out.end_step();
      counts_[p][t][n] = static_cast<std::uint32_t>(found.size());
      if (recorded_[p]) spikes_[p][t].append(found);
    }
    for (std::size_t k = 0; k < sources_.size(); ++k) {
      auto& source = sources_[k];
      auto& out = list(parity, P + k, t);
      if (source.poisson) {
        const auto [begin, end] = own(P + k, t);
        source.poisson->for_each(n, begin, end, [&](std::size_t i, std::uint32_t count) {
          for (std::uint32_t c = 0; c < count; ++c) out.push(static_cast<std::uint32_t>(i));
        });
      } else if (t == 0) {  // the listed spikes sent at grid point n + 1
        const auto range = std::equal_range(source.scheduled.begin(), source.scheduled.end(),
                                            std::pair<std::int64_t, std::uint32_t>{n + 1, 0},
                                            [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto e = range.first; e != range.second; ++e) out.push(e->second);
      }
      out.end_step();
    }
  }
}

// Thread t adds every spike of the epoch to the input buffers of the targets it owns.
void Engine::deliver(std::size_t t, std::int64_t first, std::int64_t steps, std::size_t parity) {
  // The other threads' lists, all asked for at once: their lines then cross between the cores
  // together, not one after the other as the projections come to them.
  if (threads_ > 1)
    for (const auto& l : lists_[parity]) l.prefetch();
  for (auto& j : projections_) {
    // (Most epochs of a small network carry a few spikes: a sender with none costs nothing.)
    std::size_t spikes = 0;
    for (std::size_t u = 0; u < threads_; ++u) spikes += list(parity, j.sender, u).size();
    if (spikes == 0) continue;
    if (j.short_targets.empty())
      deliver(j, j.connections.targets.data(), t, first, steps, parity);
    else
      deliver(j, j.short_targets.data(), t, first, steps, parity);
  }
}

template <class Index>
void Engine::deliver(Projection& j, const Index* targets, std::size_t t, std::int64_t first,
                     std::int64_t steps, std::size_t parity) {
  auto& target = *populations_[j.target];
  const auto [own_begin, own_end] = own(j.target, t);
  if (own_begin >= own_end) return;
  // This thread's part of source s's targets, as offsets into `targets`.
  const std::size_t T = threads_;
  const auto part = [&](std::uint32_t s, std::uint32_t step) -> Part {
    const auto r = j.part(s, t, T);
    return {r.begin, r.repeats, r.end, step};
  };
  // The target lists lie anywhere in memory, and reading one waits for memory: every line of the
  // part `ahead` spikes on is asked for while this one's are delivered. The epoch's spikes are
  // first listed in delivery order (step, thread, neuron), so that the look-ahead runs on across
  // the steps and the threads' lists (COBA and CUBA have a spike or two per list and step: looking
  // ahead within a list, the first spikes of each list waited for their lines).
  constexpr std::size_t ahead = 2;
  const auto ask_for = [&](const Part& p) {
    for (const Index* at = targets + p.begin; at < targets + p.end; at += 64 / sizeof(Index))
      __builtin_prefetch(at);
  };
  if (!j.bitmap.empty())  // the distinct pairs; the repeats of multapses follow as lists
    for (std::int64_t k = 0; k < steps; ++k) {
      auto& senders = step_senders_[t];
      senders.clear();
      for (std::size_t u = 0; u < threads_; ++u) {
        const auto& l = list(parity, j.sender, u);
        if (static_cast<std::uint32_t>(k) >= l.steps()) continue;
        const auto step = l.step(static_cast<std::uint32_t>(k));
        senders.insert(senders.end(), step.begin(), step.end());
      }
      const std::int64_t sent = first + k + 1;
      j.bitmap.add_counts(
          senders.data(), senders.size(), own_begin, own_end,
          j.counts.base(t, static_cast<std::size_t>((sent + j.delay) % static_cast<std::int64_t>(j.ring))),
          step_rows_[t]);
    }
  if (j.connections.offsets.back() == 0) return;  // no list left (a bitmap without multapses)
  auto& parts = parts_[t];
  parts.clear();
  for (std::int64_t k = 0; k < steps; ++k)
    for (std::size_t u = 0; u < threads_; ++u) {
      const auto& l = list(parity, j.sender, u);
      // A list ends early only when its thread failed in this epoch (the run then stops).
      if (static_cast<std::uint32_t>(k) >= l.steps()) continue;
      for (const std::uint32_t s : l.step(static_cast<std::uint32_t>(k))) {
        const Part p = part(s, static_cast<std::uint32_t>(k));
        if (p.begin == p.end) continue;
        parts.push_back(p);
        if (parts.size() <= ahead) ask_for(parts.back());
      }
    }
  std::int64_t row_step = -1;  // the step whose rows `buffer` and `count` are
  double* buffer = nullptr;
  std::uint16_t* count = nullptr;
  for (std::size_t q = 0; q < parts.size(); ++q) {
    if (q + ahead < parts.size()) ask_for(parts[q + ahead]);
    const Part& p = parts[q];
    const std::int64_t sent = first + p.step + 1;  // the grid point the spikes leave from
    if (p.step != row_step) {
      row_step = p.step;
      buffer = j.delays.empty() ? target.arrivals(j.channel, sent + j.delay, t) : nullptr;
      count = j.counts.size() == 0
                  ? nullptr
                  : j.counts.base(
                        t, static_cast<std::size_t>((sent + j.delay) % static_cast<std::int64_t>(j.ring)));
    }
    const Index* begin = targets + p.begin;
    const Index* end = targets + p.end;
    // w into every target's count or buffer: the distinct targets a line at a time, four lines
    // ahead asked for; then the repeats of multapses, if any, one by one.
    const Index* const repeats = targets + p.repeats;
    if (count != nullptr) {
      network::add_to_part(count, begin, repeats, end, std::uint16_t{1});
    } else if (buffer != nullptr && j.weights.empty()) {
      network::add_to_part(buffer, begin, repeats, end, j.weight);
    } else {
      for (const Index* e = begin; e < end; ++e) {
        const auto index = static_cast<std::size_t>(e - targets);
        const double w = j.weights.empty() ? j.weight : static_cast<double>(j.weights[index]);
        double* b = buffer != nullptr ? buffer : target.arrivals(j.channel, sent + j.delays[index], t);
        b[*e] += w;
      }
    }
  }
}

void Engine::run(NetworkResult& result, const ProgressCallback& progress) {
  // The spikes listed for t = 0 leave before the first step.
  for (std::size_t k = 0; k < sources_.size(); ++k) {
    auto& out = list(1, populations_.size() + k, 0);
    for (const auto& [grid, neuron] : sources_[k].scheduled)
      if (grid == 0) out.push(neuron);
    out.end_step();
    for (std::size_t u = 1; u < threads_; ++u) list(1, populations_.size() + k, u).end_step();
  }
  for (std::size_t p = 0; p < populations_.size(); ++p)
    for (std::size_t u = 0; u < threads_; ++u) list(1, p, u).end_step();
  std::exception_ptr error;
  std::array<std::atomic<bool>, 3> failed{};  // by epoch modulo 3: read only after the next barrier
  const std::int64_t epochs = (steps_ + epoch_ - 1) / epoch_;
  const auto start = Clock::now();
  network::SpinBarrier barrier(threads_);
  bool short_team = false;
  omp_set_dynamic(0);
#pragma omp parallel num_threads(threads_)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const core::ThreadPinning pinning(t, static_cast<std::size_t>(omp_get_num_threads()));
    // Every thread owns a share of the work: a smaller team (OMP_THREAD_LIMIT) cannot run it.
    if (static_cast<std::size_t>(omp_get_num_threads()) != threads_) {
#pragma omp single
      short_team = true;
    } else {
      const auto attempt = [&](std::size_t epoch, auto&& work) {
        try {
          work();
        } catch (...) {
#pragma omp critical(lapicque_network_error)
          if (!error) error = std::current_exception();
          failed[epoch % 3] = true;
        }
      };
      attempt(2, [&] { deliver(t, -1, 1, 1); });  // counted as epoch -1
      barrier.wait(t);
      for (std::int64_t e = 0; e < epochs; ++e) {
        const std::int64_t first = e * epoch_, steps = std::min(epoch_, steps_ - first);
        const auto parity = static_cast<std::size_t>(e % 2);
        attempt(e, [&] { advance_epoch(t, first, steps, parity); });
        barrier.wait(t);
        // Every write to this flag (epoch e - 1, or the first delivery) came before the barrier;
        // the next ones come only after the next barrier: all threads read the same value.
        if (failed[(e + 2) % 3]) break;
        attempt(e, [&] { deliver(t, first, steps, parity); });
        if (t == 0 && progress)
          attempt(e, [&] { progress(static_cast<double>(first + steps) / static_cast<double>(steps_)); });
      }
    }
  }
  if (short_team)
    throw SimulationError(
        fmt::format("OpenMP gave fewer than the {} threads asked for (OMP_THREAD_LIMIT?); ask for "
                    "fewer with --threads",
                    threads_));
  result.sim_s = seconds_since(start);
  if (error) std::rethrow_exception(error);
}

void Engine::collect(NetworkResult& r) {
  r.steps = steps_;
  r.duration = static_cast<double>(steps_) * spec_.dt;
  r.threads = threads_;
  for (std::size_t k = 0; k < projections_.size(); ++k) {
    const auto& j = projections_[k];
    ProjectionResult out;
    out.source = spec_.projections[k].source;
    out.target = spec_.projections[k].target;
    out.synapses = j.connections.size() + j.short_targets.size() + j.bitmap_synapses;
    out.bytes = j.bytes();
    out.storage = !j.bitmap.empty() ? "bitmap" : j.counts.size() > 0 ? "counted list" : "list";
    r.synapses += out.synapses;
    r.synapse_bytes += out.bytes;
    r.projections.push_back(std::move(out));
  }
  for (std::size_t p = 0; p < populations_.size(); ++p) {
    PopulationResult out;
    out.name = populations_[p]->name();
    out.size = populations_[p]->size();
    std::size_t recorded = 0;
    for (const auto& part : spikes_[p]) recorded += part.size();
    out.spikes.reserve(recorded);
    for (const auto& part : spikes_[p]) part.append_to(out.spikes);
    std::stable_sort(out.spikes.begin(), out.spikes.end(), [](const NetworkSpike& a, const NetworkSpike& b) {
      return a.t < b.t || (a.t == b.t && a.neuron < b.neuron);
    });
    for (const auto& c : counts_[p])
      for (auto x : c) out.spike_count += x;
    if (spec_.record.rate_bin > 0) {
      const std::int64_t bin = std::max<std::int64_t>(1, to_steps(spec_.record.rate_bin, spec_.dt));
      std::vector<double> rate((steps_ + bin - 1) / bin, 0.0);
      for (const auto& c : counts_[p])
        for (std::int64_t n = 0; n < steps_; ++n) rate[n / bin] += c[n];
      for (std::size_t b = 0; b < rate.size(); ++b) {
        const auto width = std::min(bin, steps_ - static_cast<std::int64_t>(b) * bin);
        rate[b] *= 1000.0 / (static_cast<double>(width) * spec_.dt * static_cast<double>(out.size));
      }
      r.rates.push_back(std::move(rate));
    }
    r.populations.push_back(std::move(out));
  }
  for (auto& rec : recorders_) r.traces.push_back(std::move(rec.trace));
}

}  // namespace

double available_memory_bytes() {
  double available =
      static_cast<double>(sysconf(_SC_AVPHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") available = kb * 1024;
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream limit(path);
    double bytes = 0;
    if (limit >> bytes && bytes > 0) {
      std::ifstream used_file(std::string(path).find("memory.max") != std::string::npos
                                  ? "/sys/fs/cgroup/memory.current"
                                  : "/sys/fs/cgroup/memory/memory.usage_in_bytes");
      double used = 0;
      used_file >> used;
      available = std::min(available, bytes - used);
    }
  }
  return available;
}

NetworkResult simulate(const NetworkSpec& spec, std::size_t threads, const ProgressCallback& progress) {
  const auto start = Clock::now();
  validate(spec);
  if (threads == 0) threads = static_cast<std::size_t>(omp_get_max_threads());
  const MemoryEstimate need = estimate_memory(spec, threads);
  const double have = available_memory_bytes();
  if (need.bytes > 0.9 * have)
    throw ParameterError(
        "network",
        fmt::format("{:.4g} synapses{}, about {:.3g} GB at the peak", need.synapses,
                    need.largest_synapses > 0 ? fmt::format(" ({:.4g} of them in projection[{}])",
                                                            need.largest_synapses, need.largest)
                                              : "",
                    need.bytes / 1e9),
        fmt::format("this machine has {:.3g} GB available: make the populations smaller or their in-degrees "
                    "lower (or the longest delay, the duration or the recordings shorter), or run on a "
                    "machine with more memory",
                    have / 1e9));
  // The connection rules' parallel loops take the default team size: --threads 1 is one thread
  // for the set-up as well. The caller's default comes back afterwards (Python's interpreter).
  struct DefaultTeam {
    int previous = omp_get_max_threads();
    explicit DefaultTeam(std::size_t threads) { omp_set_num_threads(static_cast<int>(threads)); }
    ~DefaultTeam() { omp_set_num_threads(previous); }
  } team(threads);
  Engine engine(spec, threads);
  engine.build();
  NetworkResult result;
  result.setup_s = seconds_since(start);
  engine.run(result, progress);
  engine.collect(result);
  return result;
}

}  // namespace lapicque
