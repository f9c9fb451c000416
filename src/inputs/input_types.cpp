// Every input type: its parameter table (read by the file reader, `lapicque models` and the
// checks) and its current. Adding an input type: a table entry and a builder here.
#include <Random123/philox.h>

#include <Random123/boxmuller.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include "inputs/input_source.hpp"
#include "lapicque/error.hpp"
#include "lapicque/input.hpp"

namespace lapicque {

namespace {

constexpr double forever = std::numeric_limits<double>::infinity();

// Reads the settings of one [[input]] table, naming "input[k].key" in every error.
class SettingsReader {
 public:
  SettingsReader(const InputSpec& spec, std::size_t index, const InputTypeInfo& info)
      : spec_(spec), prefix_("input[" + std::to_string(index) + "]."), info_(info) {
    std::vector<std::string_view> allowed;
    for (const auto& p : info.params) allowed.push_back(p.name);
    for (const auto& [key, value] : spec.values) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        throw ParameterError(prefix_ + key, "(unknown setting)",
                             "input type `" + spec.type + "` has no setting `" + key + "`; " +
                                 unknown_name_hint(key, allowed));
    }
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  double number(std::string_view key, std::optional<double> fallback = std::nullopt) const {
    const InputValue* v = find(key);
    if (v == nullptr) {
      if (!fallback) fail(key, "(missing)", "required: " + meaning(key));
      return *fallback;
    }
    if (!std::holds_alternative<double>(*v)) fail(key, "(not a number)", "must be a number: " + meaning(key));
    const double x = std::get<double>(*v);
    if (std::isnan(x)) fail(key, "nan", "must be a number");
    return x;
  }
  std::vector<double> list(std::string_view key) const {
    const InputValue* v = find(key);
    if (v == nullptr) fail(key, "(missing)", "required: " + meaning(key));
    if (!std::holds_alternative<std::vector<double>>(*v))
      fail(key, "(not a list)", "must be a list of numbers: " + meaning(key));
    const auto& values = std::get<std::vector<double>>(*v);
    for (double x : values)
      if (!std::isfinite(x)) fail(key, format_double(x), "every entry must be a finite number");
    return values;
  }
  std::string text(std::string_view key, std::string fallback) const {
    const InputValue* v = find(key);
    if (v == nullptr) return fallback;
    if (!std::holds_alternative<std::string>(*v)) fail(key, "(not text)", "must be text: " + meaning(key));
    return std::get<std::string>(*v);
  }
  [[noreturn]] void fail(std::string_view key, const std::string& value, const std::string& allowed) const {
    throw ParameterError(prefix_ + std::string(key), value, allowed);
  }
  void require(bool ok, std::string_view key, double value, const std::string& allowed) const {
    if (!ok) fail(key, format_double(value), allowed);
  }
  // [start, stop) window, both optional.
  std::pair<double, double> window() const {
    const double start = number("start", 0.0), stop = number("stop", forever);
    require(std::isfinite(start), "start", start, "must be finite [ms]");
    require(stop > start, "stop", stop, "must be > start = " + format_double(start) + " ms");
    return {start, stop};
  }

 private:
  const InputValue* find(std::string_view key) const {
    const InputValue* found = nullptr;
    for (const auto& [k, v] : spec_.values)
      if (k == key) found = &v;
    return found;
  }
  std::string meaning(std::string_view key) const {
    for (const auto& p : info_.params)
      if (p.name == key)
        return std::string(p.meaning) + (p.unit.empty() ? "" : " [" + std::string(p.unit) + "]");
    return "";
  }
  const InputSpec& spec_;
  std::string prefix_;
  const InputTypeInfo& info_;
};

bool inside(double t, double start, double stop) {
  return t >= start && t < stop;
}

struct Constant final : InputSource {
  double amplitude;
  double at(double) const override { return amplitude; }
  bool constant() const override { return true; }
};

// Piecewise constant: values[k] on [times[k], times[k+1]), 0 before times[0].
struct Steps final : InputSource {
  std::vector<double> times, values;
  double at(double t) const override {
    const auto it = std::upper_bound(times.begin(), times.end(), t);
    if (it == times.begin()) return 0;
    return values[static_cast<std::size_t>(it - times.begin()) - 1];
  }
};

struct Pulses final : InputSource {
  std::vector<double> onsets;  // sorted
  double width, amplitude;
  double at(double t) const override {
    const auto it = std::upper_bound(onsets.begin(), onsets.end(), t);
    if (it == onsets.begin()) return 0;
    return t < *(it - 1) + width ? amplitude : 0;
  }
};

struct Sine final : InputSource {
  double amplitude, omega, phase, offset, start, stop;  // omega [rad/ms]
  double at(double t) const override {
    return inside(t, start, stop) ? offset + amplitude * std::sin(omega * t + phase) : 0;
  }
};

struct Ramp final : InputSource {
  double slope, offset, start, stop;
  double at(double t) const override { return inside(t, start, stop) ? offset + slope * (t - start) : 0; }
};

// Linear (or step) interpolation of a sampled series; 0 outside its time range.
struct Series final : InputSource {
  std::vector<double> times, values;
  bool linear = true;
  double at(double t) const override {
    if (times.empty() || t < times.front() || t > times.back()) return 0;
    const auto it = std::upper_bound(times.begin(), times.end(), t);
    const std::size_t k = static_cast<std::size_t>(it - times.begin()) - 1;
    if (!linear || k + 1 >= times.size()) return values[k];
    const double u = (t - times[k]) / (times[k + 1] - times[k]);
    return values[k] + u * (values[k + 1] - values[k]);
  }
};

// Standard normal numbers from Philox4x32-10, keyed by (seed, input), counted by (step, neuron).
class NormalStream {
 public:
  NormalStream(std::uint64_t seed, std::size_t input_index) {
    key_ = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32) ^
                                               (0x9E3779B9u * static_cast<std::uint32_t>(input_index + 1))}};
  }
  double operator()(std::int64_t step, std::size_t neuron) const {
    const auto s = static_cast<std::uint64_t>(step);
    const r123::Philox4x32::ctr_type counter{{static_cast<std::uint32_t>(s),
                                              static_cast<std::uint32_t>(s >> 32),
                                              static_cast<std::uint32_t>(neuron), 0x6c617069u}};
    const auto bits = r123::Philox4x32()(counter, key_);
    const std::uint64_t u0 = (static_cast<std::uint64_t>(bits[0]) << 32) | bits[1];
    const std::uint64_t u1 = (static_cast<std::uint64_t>(bits[2]) << 32) | bits[3];
    return r123::boxmuller(u0, u1).x;
  }

 private:
  r123::Philox4x32::key_type key_;
};

// Gaussian white noise: each step's value is mean + sigma xi / sqrt(dt), so that the integrated
// current has variance sigma^2 t whatever dt is.
struct WhiteNoise final : InputSource {
  NormalStream normal;
  double mean, sigma, start, stop, dt;
  WhiteNoise(std::uint64_t seed, std::size_t index) : normal(seed, index) {}
  bool held() const override { return true; }
  double at(double) const override { return 0; }
  void add_held(std::int64_t step, std::size_t begin, std::size_t end, std::span<double> out) override {
    if (!inside(static_cast<double>(step) * dt, start, stop)) return;
    const double scale = sigma / std::sqrt(dt);
    for (std::size_t i = begin; i < end; ++i) out[i] += mean + scale * normal(step, i);
  }
};

// Ornstein-Uhlenbeck current, advanced exactly: x <- mean + (x - mean) e^{-dt/tau} + sigma
// sqrt(1 - e^{-2 dt/tau}) xi, sigma the stationary standard deviation. Starts stationary.
struct OrnsteinUhlenbeck final : InputSource {
  NormalStream normal;
  double mean, sigma, tau, dt, decay = 0, kick = 0;
  std::vector<double> x;
  std::vector<std::int64_t> next_step;
  OrnsteinUhlenbeck(std::uint64_t seed, std::size_t index) : normal(seed, index) {}
  bool held() const override { return true; }
  double at(double) const override { return 0; }
  void resize(std::size_t neurons) override {
    decay = std::exp(-dt / tau);
    kick = sigma * std::sqrt(-std::expm1(-2 * dt / tau));
    x.resize(neurons);
    next_step.assign(neurons, 0);
    for (std::size_t i = 0; i < neurons; ++i) x[i] = mean + sigma * normal(-1, i);
  }
  void add_held(std::int64_t step, std::size_t begin, std::size_t end, std::span<double> out) override {
    for (std::size_t i = begin; i < end; ++i) {
      for (; next_step[i] < step; ++next_step[i])
        x[i] = mean + (x[i] - mean) * decay + kick * normal(next_step[i], i);
      out[i] += x[i];
    }
  }
};

const std::vector<InputTypeInfo>& registry() {
  static const std::vector<InputTypeInfo> types{
      {"constant", "I(t) = amplitude", {{"amplitude", "number", "pA", "0", "the current"}}},
      {"step",
       "I(t) = amplitude on [start, stop), else 0; or amplitudes[k] on [times[k], times[k+1])",
       {{"amplitude", "number", "pA", "", "current while on"},
        {"start", "number", "ms", "0", "switch-on time"},
        {"stop", "number", "ms", "inf", "switch-off time"},
        {"times", "list", "ms", "", "instead of start/stop: times at which the current changes (increasing)"},
        {"amplitudes", "list", "pA", "", "with times: the current from each time on"}}},
      {"pulses",
       "rectangular pulses of `amplitude` and `width` starting at each onset",
       {{"amplitude", "number", "pA", "", "current during a pulse"},
        {"width", "number", "ms", "", "duration of each pulse"},
        {"times", "list", "ms", "", "onsets of the pulses; or start with interval or frequency"},
        {"start", "number", "ms", "0", "onset of the first pulse"},
        {"interval", "number", "ms", "", "time between onsets"},
        {"frequency", "number", "Hz", "", "onsets per second (instead of interval)"},
        {"count", "number", "1", "inf", "number of pulses"}}},
      {"sine",
       "I(t) = offset + amplitude sin(2 pi frequency t + phase) on [start, stop), t in ms",
       {{"amplitude", "number", "pA", "", "amplitude of the oscillation"},
        {"frequency", "number", "Hz", "", "frequency (or angular_frequency)"},
        {"angular_frequency", "number", "rad/ms", "",
         "instead of frequency: sin(angular_frequency t + phase)"},
        {"phase", "number", "rad", "0", "phase at t = 0"},
        {"offset", "number", "pA", "0", "constant added to the sine"},
        {"start", "number", "ms", "0", "switch-on time"},
        {"stop", "number", "ms", "inf", "switch-off time"}}},
      {"ramp",
       "I(t) = offset + slope (t - start) on [start, stop), else 0",
       {{"slope", "number", "pA/ms", "", "rate of increase"},
        {"offset", "number", "pA", "0", "current at t = start"},
        {"start", "number", "ms", "0", "switch-on time"},
        {"stop", "number", "ms", "inf", "switch-off time"}}},
      {"noise",
       "Gaussian white noise: each step mean + sigma xi / sqrt(dt), xi ~ N(0, 1), on [start, stop)",
       {{"mean", "number", "pA", "0", "mean current"},
        {"sigma", "number", "pA sqrt(ms)", "", "noise intensity (the step value's std is sigma / sqrt(dt))"},
        {"start", "number", "ms", "0", "switch-on time"},
        {"stop", "number", "ms", "inf", "switch-off time"}}},
      {"ou",
       "Ornstein-Uhlenbeck current: tau dI = (mean - I) dt + sigma sqrt(2 tau) dW, updated exactly each step",
       {{"mean", "number", "pA", "0", "mean current"},
        {"sigma", "number", "pA", "", "stationary standard deviation"},
        {"tau", "number", "ms", "", "correlation time"}}},
      {"file",
       "a sampled time series read from a CSV file (first column t_ms, second the current), 0 outside it",
       {{"path", "string", "", "", "CSV file: header line, then rows time [ms], value"},
        {"column", "string", "", "2nd column", "name of the value column"},
        {"interpolation", "string", "", "linear", "\"linear\" or \"step\" between samples"},
        {"scale", "number", "1", "1", "factor applied to the values"},
        {"times", "list", "ms", "", "(filled from the file)"},
        {"values", "list", "pA", "", "(filled from the file)"}}},
  };
  return types;
}

std::unique_ptr<InputSource> build(const InputSpec& spec, std::size_t index, std::uint64_t seed, double dt) {
  const auto& types = registry();
  const auto info =
      std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == spec.type; });
  const std::string key = "input[" + std::to_string(index) + "].type";
  if (info == types.end())
    throw ParameterError(key, "\"" + spec.type + "\"",
                         "unknown input type; " + unknown_name_hint(spec.type, input_type_names()));
  const SettingsReader r(spec, index, *info);
  const std::string& type = spec.type;
  if (type == "constant") {
    auto s = std::make_unique<Constant>();
    s->amplitude = r.number("amplitude", 0.0);
    r.require(std::isfinite(s->amplitude), "amplitude", s->amplitude, "must be finite [pA]");
    return s;
  }
  if (type == "step") {
    auto s = std::make_unique<Steps>();
    if (r.has("times") || r.has("amplitudes")) {
      s->times = r.list("times");
      s->values = r.list("amplitudes");
      if (s->times.size() != s->values.size() || s->times.empty())
        r.fail("amplitudes", std::to_string(s->values.size()) + " values",
               "must have as many entries as times (" + std::to_string(s->times.size()) + "), at least one");
      for (std::size_t k = 1; k < s->times.size(); ++k)
        r.require(s->times[k] > s->times[k - 1], "times", s->times[k], "times must increase");
    } else {
      const auto [start, stop] = r.window();
      const double amplitude = r.number("amplitude");
      r.require(std::isfinite(amplitude), "amplitude", amplitude, "must be finite [pA]");
      s->times = {start};
      s->values = {amplitude};
      if (std::isfinite(stop)) {
        s->times.push_back(stop);
        s->values.push_back(0);
      }
    }
    return s;
  }
  if (type == "pulses") {
    auto s = std::make_unique<Pulses>();
    s->amplitude = r.number("amplitude");
    s->width = r.number("width");
    r.require(s->width > 0 && std::isfinite(s->width), "width", s->width, "must be > 0 ms");
    if (r.has("times")) {
      s->onsets = r.list("times");
      std::sort(s->onsets.begin(), s->onsets.end());
    } else {
      const double start = r.number("start", 0.0);
      double interval = 0;
      if (r.has("frequency")) {
        const double f = r.number("frequency");
        r.require(f > 0 && std::isfinite(f), "frequency", f, "must be > 0 Hz");
        interval = 1000.0 / f;
      } else {
        interval = r.number("interval");
      }
      r.require(interval >= s->width, "interval", interval,
                "must be >= width = " + format_double(s->width) + " ms (pulses may not overlap)");
      const double count = r.number("count", 1e6);
      r.require(count >= 1 && count <= 1e7 && count == std::floor(count), "count", count,
                "must be a whole number in [1, 1e7]");
      for (int k = 0; k < static_cast<int>(count); ++k) s->onsets.push_back(start + k * interval);
    }
    return s;
  }
  if (type == "sine") {
    auto s = std::make_unique<Sine>();
    s->amplitude = r.number("amplitude");
    if (r.has("frequency") == r.has("angular_frequency"))
      r.fail("frequency", "(missing or duplicated)",
             "give exactly one of frequency [Hz] and angular_frequency [rad/ms]");
    s->omega = r.has("frequency") ? 2 * std::numbers::pi * r.number("frequency") / 1000.0
                                  : r.number("angular_frequency");
    r.require(std::isfinite(s->omega), "frequency", s->omega, "must be finite");
    s->phase = r.number("phase", 0.0);
    s->offset = r.number("offset", 0.0);
    std::tie(s->start, s->stop) = r.window();
    return s;
  }
  if (type == "ramp") {
    auto s = std::make_unique<Ramp>();
    s->slope = r.number("slope");
    s->offset = r.number("offset", 0.0);
    std::tie(s->start, s->stop) = r.window();
    return s;
  }
  if (type == "noise") {
    auto s = std::make_unique<WhiteNoise>(seed, index);
    s->mean = r.number("mean", 0.0);
    s->sigma = r.number("sigma");
    r.require(s->sigma >= 0 && std::isfinite(s->sigma), "sigma", s->sigma, "must be >= 0 pA sqrt(ms)");
    std::tie(s->start, s->stop) = r.window();
    s->dt = dt;
    return s;
  }
  if (type == "ou") {
    auto s = std::make_unique<OrnsteinUhlenbeck>(seed, index);
    s->mean = r.number("mean", 0.0);
    s->sigma = r.number("sigma");
    s->tau = r.number("tau");
    r.require(s->sigma >= 0 && std::isfinite(s->sigma), "sigma", s->sigma, "must be >= 0 pA");
    r.require(s->tau > 0 && std::isfinite(s->tau), "tau", s->tau, "must be > 0 ms");
    s->dt = dt;
    return s;
  }
  // file
  auto s = std::make_unique<Series>();
  s->times = r.list("times");
  s->values = r.list("values");
  const double scale = r.number("scale", 1.0);
  for (double& v : s->values) v *= scale;
  const std::string interpolation = r.text("interpolation", "linear");
  if (interpolation != "linear" && interpolation != "step")
    r.fail("interpolation", "\"" + interpolation + "\"", "must be \"linear\" or \"step\"");
  s->linear = interpolation == "linear";
  if (s->times.empty() || s->times.size() != s->values.size())
    r.fail("path", "\"" + r.text("path", "") + "\"", "the file must hold at least one row of time and value");
  for (std::size_t k = 1; k < s->times.size(); ++k)
    r.require(s->times[k] > s->times[k - 1], "path", s->times[k],
              "times in the file must increase (row " + std::to_string(k + 1) + ")");
  return s;
}

}  // namespace

std::span<const InputTypeInfo> input_types() {
  return registry();
}

std::vector<std::string_view> input_type_names() {
  std::vector<std::string_view> names;
  for (const auto& t : registry()) names.push_back(t.name);
  return names;
}

Stimulus::Stimulus(const std::vector<InputSpec>& specs, std::uint64_t seed, double dt) {
  for (std::size_t k = 0; k < specs.size(); ++k) {
    auto source = build(specs[k], k, seed, dt);
    (source->held() ? held_ : smooth_).push_back(std::move(source));
  }
}
Stimulus::~Stimulus() = default;
Stimulus::Stimulus(Stimulus&&) noexcept = default;

bool Stimulus::is_constant() const {
  return held_.empty() &&
         std::all_of(smooth_.begin(), smooth_.end(), [](const auto& s) { return s->constant(); });
}

double Stimulus::at(double t_ms) const {
  double sum = 0;
  for (const auto& s : smooth_) sum += s->at(t_ms);
  return sum;
}

void Stimulus::add_held(std::int64_t step, std::size_t begin, std::size_t end, std::span<double> out) {
  for (const auto& s : held_) s->add_held(step, begin, end, out);
}

void Stimulus::resize(std::size_t neurons) {
  for (const auto& s : held_) s->resize(neurons);
}

}  // namespace lapicque
