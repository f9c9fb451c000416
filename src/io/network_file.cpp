// Network experiment files: populations, sources, projections, drives and recorders.
#include "io/network_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/csv_table.hpp"
#include "io/toml_loader.hpp"
#include "lapicque/error.hpp"
#include "lapicque/input.hpp"
#include "network/connectivity.hpp"
#include "network/synapse_channel.hpp"

namespace lapicque::io {

namespace {

class NetworkReader {
 public:
  explicit NetworkReader(TomlLoader& loader) : toml_(loader) {}

  NetworkSpec read(const toml::table& root) {
    NetworkSpec n;
    toml_.note_sources(root, "");
    toml_.check_keys(root, "",
                     {"title", "description", "duration", "dt", "seed", "method", "population", "source",
                      "projection", "drive", "record"});
    n.duration = toml_.number(root, "duration", "", n.duration);
    n.dt = toml_.number(root, "dt", "", n.dt);
    if (const auto* seed = root.get("seed")) n.seed = whole(*seed, "seed");
    if (const auto* method = root.get("method")) n.method = toml_.text(*method, "method");
    for_each_table(root, "population", [&](const toml::table& t, const std::string& prefix) {
      n.populations.push_back(read_population(t, prefix));
    });
    for_each_table(root, "source", [&](const toml::table& t, const std::string& prefix) {
      n.sources.push_back(read_source(t, prefix));
    });
    for_each_table(root, "projection", [&](const toml::table& t, const std::string& prefix) {
      n.projections.push_back(read_projection(t, prefix));
    });
    for_each_table(root, "drive", [&](const toml::table& t, const std::string& prefix) {
      n.drives.push_back(read_drive(t, prefix));
    });
    if (const auto* record = root.get("record")) read_record(*record, n.record);
    return n;
  }

 private:
  template <class F>
  void for_each_table(const toml::table& root, const char* name, F&& f) {
    const auto* node = root.get(name);
    if (node == nullptr) return;
    const auto* array = node->as_array();
    if (array == nullptr)
      toml_.fail(name, "(not a list of tables)", fmt::format("write each one as a [[{}]] table", name));
    for (std::size_t k = 0; k < array->size(); ++k) {
      const std::string prefix = fmt::format("{}[{}]", name, k);
      const auto* table = array->get(k)->as_table();
      if (table == nullptr)
        toml_.fail(prefix, "(not a table)", fmt::format("write each one as a [[{}]] table", name));
      f(*table, prefix + ".");
    }
  }

  std::uint64_t whole(const toml::node& node, const std::string& key) const {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value || *value < 0)
      toml_.fail(key, TomlLoader::value_text(node), "must be a whole number >= 0");
    return static_cast<std::uint64_t>(*value);
  }
  std::string required_text(const toml::table& t, const char* name, const std::string& prefix,
                            const std::string& what) const {
    const auto* node = t.get(name);
    if (node == nullptr) toml_.fail(prefix + name, "(missing)", what);
    return toml_.text(*node, prefix + name);
  }

  // A number, or a table { distribution = "uniform", low, high } / "normal" (mean, std, min, max)
  // / "lognormal" (mu, sigma).
  Distribution distribution(const toml::node& node, const std::string& key) const {
    Distribution d;
    if (node.is_number()) {
      d.a = toml_.number(node, key);
      return d;
    }
    const auto* t = node.as_table();
    if (t == nullptr)
      toml_.fail(
          key, TomlLoader::value_text(node),
          "must be a number or a distribution such as { distribution = \"uniform\", low = -60, high = -50 }");
    const auto* kind = t->get("distribution");
    if (kind == nullptr)
      toml_.fail(key + ".distribution", "(missing)", "name the distribution: uniform, normal or lognormal");
    const std::string name = toml_.text(*kind, key + ".distribution");
    const std::string prefix = key + ".";
    if (name == "uniform") {
      toml_.check_keys(*t, prefix, {"distribution", "low", "high"});
      d.kind = Distribution::Kind::uniform;
      d.a = required(*t, "low", prefix);
      d.b = required(*t, "high", prefix);
    } else if (name == "normal") {
      toml_.check_keys(*t, prefix, {"distribution", "mean", "std", "min", "max"});
      d.kind = Distribution::Kind::normal;
      d.a = required(*t, "mean", prefix);
      d.b = required(*t, "std", prefix);
      d.min = toml_.number(*t, "min", prefix, d.min);
      d.max = toml_.number(*t, "max", prefix, d.max);
    } else if (name == "lognormal") {
      toml_.check_keys(*t, prefix, {"distribution", "mu", "sigma"});
      d.kind = Distribution::Kind::lognormal;
      d.a = required(*t, "mu", prefix);
      d.b = required(*t, "sigma", prefix);
    } else {
      toml_.fail(key + ".distribution", "\"" + name + "\"",
                 "unknown distribution; " + unknown_name_hint(name, {"uniform", "normal", "lognormal"}));
    }
    return d;
  }
  double required(const toml::table& t, const char* name, const std::string& prefix) const {
    const auto* node = t.get(name);
    if (node == nullptr) toml_.fail(prefix + name, "(missing)", "required");
    return toml_.number(*node, prefix + name);
  }

  PopulationSpec read_population(const toml::table& t, const std::string& prefix) {
    toml_.check_keys(t, prefix, {"name", "size", "model", "neuron"});
    PopulationSpec p;
    p.name = required_text(t, "name", prefix, "every population needs a name (\"E\", \"I\", ...)");
    const auto* size = t.get("size");
    if (size == nullptr) toml_.fail(prefix + "size", "(missing)", "the number of neurons");
    p.size = whole(*size, prefix + "size");
    if (const auto* model = t.get("model")) p.model = toml_.text(*model, prefix + "model");
    if (const auto* neuron = t.get("neuron")) {
      const auto* table = neuron->as_table();
      if (table == nullptr) toml_.fail(prefix + "neuron", "(not a table)", "must be a table of parameters");
      for (const auto& [k, v] : *table) {
        const std::string name(k.str());
        p.neuron.emplace_back(name, distribution(v, prefix + "neuron." + name));
      }
    }
    return p;
  }

  SourceSpec read_source(const toml::table& t, const std::string& prefix) {
    toml_.check_keys(t, prefix, {"name", "type", "size", "rate", "times"});
    SourceSpec s;
    s.name = required_text(t, "name", prefix, "every source needs a name");
    if (const auto* type = t.get("type")) s.type = toml_.text(*type, prefix + "type");
    if (const auto* size = t.get("size")) s.size = whole(*size, prefix + "size");
    s.rate = toml_.number(t, "rate", prefix, s.rate);
    if (const auto* times = t.get("times")) {
      const auto* list = times->as_array();
      if (list == nullptr)
        toml_.fail(prefix + "times", TomlLoader::value_text(*times), "must be a list of times [ms]");
      // One list for a single source, or a list of lists, one per source.
      const bool nested = !list->empty() && list->get(0)->is_array();
      for (std::size_t i = 0; i < (nested ? list->size() : 1); ++i) {
        const auto* row = nested ? list->get(i)->as_array() : list;
        if (row == nullptr)
          toml_.fail(fmt::format("{}times[{}]", prefix, i), "(not a list)",
                     "each source's times are a list [ms]");
        std::vector<double> values;
        for (std::size_t j = 0; j < row->size(); ++j)
          values.push_back(toml_.number(*row->get(j), nested ? fmt::format("{}times[{}][{}]", prefix, i, j)
                                                             : fmt::format("{}times[{}]", prefix, j)));
        s.times.push_back(std::move(values));
      }
      if (!t.contains("size")) s.size = s.times.size();
      if (s.times.size() != s.size)
        toml_.fail(prefix + "times", fmt::format("{} lists", s.times.size()),
                   fmt::format("give one list of times per source ({})", s.size));
    }
    return s;
  }

  void read_synapse(const toml::table& t, const std::string& prefix, SynapseKind& kind, double& tau_syn,
                    double& E_rev) {
    if (const auto* node = t.get("synapse")) {
      const std::string name = toml_.text(*node, prefix + "synapse");
      if (!parse_synapse(name, kind))
        toml_.fail(prefix + "synapse", "\"" + name + "\"",
                   "unknown synapse; " + unknown_name_hint(name, synapse_names()));
    }
    // Settings that do not apply to the synapse would be ignored: refused, as is a conductance
    // without the potential it pulls towards (a default would make inhibition excitatory).
    const std::string name(synapse_name(kind));
    if (kind == SynapseKind::delta && t.contains("tau_syn"))
      toml_.fail(prefix + "tau_syn", TomlLoader::value_text(*t.get("tau_syn")),
                 "a delta synapse has no time constant (it moves V at once): remove tau_syn, or choose "
                 "exp_current, alpha_current, exp_conductance or alpha_conductance");
    if (!network::is_conductance(kind) && t.contains("E_rev"))
      toml_.fail(prefix + "E_rev", TomlLoader::value_text(*t.get("E_rev")),
                 "`" + name +
                     "` synapses have no reversal potential: remove E_rev, or choose exp_conductance or "
                     "alpha_conductance");
    if (network::is_conductance(kind) && !t.contains("E_rev"))
      toml_.fail(
          prefix + "E_rev", "(missing)",
          "`" + name +
              "` synapses need their reversal potential [mV] (e.g. 0 for excitation, -80 for inhibition)");
    tau_syn = toml_.number(t, "tau_syn", prefix, tau_syn);
    E_rev = toml_.number(t, "E_rev", prefix, E_rev);
  }

  ProjectionSpec read_projection(const toml::table& t, const std::string& prefix) {
    toml_.check_keys(t, prefix,
                     {"source", "target", "rule", "p", "indegree", "outdegree", "number", "autapses",
                      "multapses", "synapse", "tau_syn", "E_rev", "weight", "delay", "file"});
    ProjectionSpec j;
    j.source = required_text(t, "source", prefix, "the population or source the synapses come from");
    j.target = required_text(t, "target", prefix, "the population the synapses go to");
    const std::string rule =
        required_text(t, "rule", prefix, "the connection rule: " + names_text(network::rule_names()));
    if (!network::parse_rule(rule, j.rule.rule))
      toml_.fail(prefix + "rule", "\"" + rule + "\"",
                 "unknown rule; " + unknown_name_hint(rule, network::rule_names()));
    const auto need = [&](const char* name) {
      const auto* node = t.get(name);
      if (node == nullptr)
        toml_.fail(prefix + name, "(missing)", fmt::format("rule {} needs `{}`", rule, name));
      return node;
    };
    switch (j.rule.rule) {
      case Rule::pairwise_bernoulli:
        j.rule.p = toml_.number(*need("p"), prefix + "p");
        break;
      case Rule::fixed_indegree:
        j.rule.number = whole(*need("indegree"), prefix + "indegree");
        break;
      case Rule::fixed_outdegree:
        j.rule.number = whole(*need("outdegree"), prefix + "outdegree");
        break;
      case Rule::fixed_total:
        j.rule.number = whole(*need("number"), prefix + "number");
        break;
      case Rule::from_file:
        read_connection_list(toml_.text(*need("file"), prefix + "file"), prefix, j.rule);
        break;
      default:
        break;
    }
    // The settings of the other rules would be ignored.
    for (const auto& [key, owner] : {std::pair{"p", Rule::pairwise_bernoulli},
                                     {"indegree", Rule::fixed_indegree},
                                     {"outdegree", Rule::fixed_outdegree},
                                     {"number", Rule::fixed_total},
                                     {"file", Rule::from_file}})
      if (owner != j.rule.rule && t.contains(key))
        toml_.fail(prefix + key, TomlLoader::value_text(*t.get(key)),
                   fmt::format("`{}` belongs to rule {}; rule {} does not use it", key,
                               network::rule_name(owner), rule));
    j.rule.autapses = toml_.flag(t, "autapses", prefix, j.rule.autapses);
    j.rule.multapses = toml_.flag(t, "multapses", prefix, j.rule.multapses);
    read_synapse(t, prefix, j.synapse, j.tau_syn, j.E_rev);
    // A connection list may carry its own weights and delays.
    const auto* weight = t.get("weight");
    if (weight == nullptr && j.rule.weights.empty())
      toml_.fail(prefix + "weight", "(missing)",
                 fmt::format("the synaptic weight [{}] (negative for inhibition)", weight_unit(j.synapse)));
    if (weight != nullptr && !j.rule.weights.empty())
      toml_.fail(prefix + "weight", TomlLoader::value_text(*weight),
                 "the connection list gives every synapse its weight: remove this weight or the column");
    if (weight != nullptr) j.weight = distribution(*weight, prefix + "weight");
    const auto* delay = t.get("delay");
    if (delay == nullptr && j.rule.delays.empty())
      toml_.fail(prefix + "delay", "(missing)", "the synaptic delay [ms], at least dt");
    if (delay != nullptr && !j.rule.delays.empty())
      toml_.fail(prefix + "delay", TomlLoader::value_text(*delay),
                 "the connection list gives every synapse its delay: remove this delay or the column");
    if (delay != nullptr) j.delay = distribution(*delay, prefix + "delay");
    return j;
  }

  // from_file: a CSV with a header naming source and target (neuron indices from 0), and
  // optionally weight and delay; relative paths are relative to the experiment file.
  void read_connection_list(std::string path, const std::string& prefix, ConnectionRule& rule) {
    if (!path.empty() && path.front() != '/') {
      const auto slash = toml_.path().find_last_of('/');
      if (slash != std::string::npos) path = toml_.path().substr(0, slash + 1) + path;
    }
    CsvTable table;
    try {
      table = read_csv_table(path);
    } catch (const UserError& error) {
      toml_.fail(prefix + "file", "\"" + path + "\"", error.what());
    }
    const long source = table.column("source"), target = table.column("target");
    if (source < 0 || target < 0)
      toml_.fail(prefix + "file", "\"" + path + "\"",
                 "the header must name the columns source and target (and may add weight, delay)");
    rule.file = path;
    rule.lines = table.lines;
    for (std::size_t r = 0; r < table.lines.size(); ++r)
      for (long column : {source, target}) {
        const double v = table.columns[static_cast<std::size_t>(column)][r];
        if (!(v >= 0) || v != std::floor(v) || v > 4294967295.0)
          toml_.fail(prefix + "file", fmt::format("{}:{}", path, table.lines[r]),
                     fmt::format("{} is not a neuron index (whole numbers from 0)", format_double(v)));
        (column == source ? rule.sources : rule.targets).push_back(static_cast<std::uint32_t>(v));
      }
    if (const long w = table.column("weight"); w >= 0)
      rule.weights = table.columns[static_cast<std::size_t>(w)];
    if (const long d = table.column("delay"); d >= 0)
      rule.delays = table.columns[static_cast<std::size_t>(d)];
  }

  DriveSpec read_drive(const toml::table& t, const std::string& prefix) {
    DriveSpec d;
    d.target = required_text(t, "target", prefix, "the population the drive goes to");
    const std::string type = required_text(t, "type", prefix, "poisson, or a current input type");
    if (type == "poisson") {
      toml_.check_keys(t, prefix, {"target", "type", "rate", "synapse", "tau_syn", "E_rev", "weight"});
      d.input.type = "poisson";
      d.rate = required(t, "rate", prefix);
      read_synapse(t, prefix, d.synapse, d.tau_syn, d.E_rev);
      d.weight = required(t, "weight", prefix);
    } else {
      auto types = input_type_names();
      if (std::find(types.begin(), types.end(), type) == types.end()) {
        types.insert(types.begin(), "poisson");
        toml_.fail(prefix + "type", "\"" + type + "\"",
                   "a drive is poisson or a current input; " + unknown_name_hint(type, types));
      }
      toml::table settings = t;
      settings.erase("target");
      d.input = toml_.read_input(settings, prefix.substr(0, prefix.size() - 1));
    }
    return d;
  }

  void read_record(const toml::node& node, NetworkRecordSpec& r) {
    const auto* t = node.as_table();
    if (t == nullptr) toml_.fail("record", "(not a table)", "must be a table: [record]");
    toml_.check_keys(*t, "record.", {"spikes", "state", "rate_bin"});
    if (const auto* spikes = t->get("spikes")) {  // (an empty list: none)
      r.spikes = names(*spikes, "record.spikes");
      r.spikes_listed = true;
    }
    r.rate_bin = toml_.number(*t, "rate_bin", "record.", r.rate_bin);
    if (const auto* state = t->get("state")) {
      const auto* list = state->as_array();
      if (list == nullptr)
        toml_.fail("record.state", "(not a list of tables)", "write each as [[record.state]]");
      for (std::size_t k = 0; k < list->size(); ++k) {
        const std::string prefix = fmt::format("record.state[{}].", k);
        const auto* s = list->get(k)->as_table();
        if (s == nullptr) toml_.fail(prefix, "(not a table)", "write each as [[record.state]]");
        toml_.check_keys(*s, prefix, {"population", "variables", "neurons"});
        StateRecordSpec spec;
        spec.population = required_text(*s, "population", prefix, "the population to record from");
        if (const auto* v = s->get("variables")) spec.variables = names(*v, prefix + "variables");
        if (const auto* neurons = s->get("neurons")) {
          const auto* l = neurons->as_array();
          if (l == nullptr)
            toml_.fail(prefix + "neurons", TomlLoader::value_text(*neurons), "a list of neuron indices");
          spec.neurons.clear();
          for (std::size_t i = 0; i < l->size(); ++i)
            spec.neurons.push_back(whole(*l->get(i), fmt::format("{}neurons[{}]", prefix, i)));
        }
        r.state.push_back(std::move(spec));
      }
    }
  }

  std::vector<std::string> names(const toml::node& node, const std::string& key) const {
    const auto* list = node.as_array();
    if (list == nullptr)
      toml_.fail(key, TomlLoader::value_text(node), "must be a list of names, e.g. [\"E\", \"I\"]");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list->size(); ++i)
      out.push_back(toml_.text(*list->get(i), fmt::format("{}[{}]", key, i)));
    return out;
  }

  static std::string names_text(const std::vector<std::string_view>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
  }

  TomlLoader& toml_;
};

}  // namespace

bool is_network_file(const std::string& path) {
  SourceMap ignored;
  TomlLoader loader(path, ignored, "--set");
  return loader.parse().contains("population");
}

LoadedNetwork load_network(const std::string& path, const std::vector<std::string>& overrides,
                           const std::string& origin) {
  LoadedNetwork loaded;
  loaded.path = path;
  TomlLoader loader(path, loaded.sources, origin);
  loaded.network = read_checked(loader, overrides,
                                [&](const toml::table& root) { return NetworkReader(loader).read(root); });
  return loaded;
}

}  // namespace lapicque::io
