// Drawing a value from a Distribution with a counter-based stream.
#pragma once

#include <cmath>
#include <string>

#include "core/counter_rng.hpp"
#include "lapicque/error.hpp"
#include "lapicque/network.hpp"

namespace lapicque::network {

// Streams of the network's random numbers, one range per consumer, so that no two draw the
// same numbers: stream + index (of a population, projection, drive or source).
enum StreamBase : std::uint64_t {
  neuron_parameter_stream = 1ull << 40,  // + population * 4096 + parameter
  weight_stream = 2ull << 40,            // + projection
  delay_stream = 3ull << 40,             // + projection
  drive_stream = 4ull << 40,             // + drive
  source_stream = 5ull << 40,            // + source
  input_stream = 6ull << 40,             // + population: seeds of its current inputs
};

// A value of `d`; normal and lognormal values outside [min, max] are drawn again. `key` names
// the setting in the message when [min, max] holds almost none of the distribution.
inline double draw(const Distribution& d, core::CounterRng& rng, const std::string& key) {
  switch (d.kind) {
    case Distribution::Kind::constant:
      return d.a;
    case Distribution::Kind::uniform:
      return d.a + (d.b - d.a) * rng.uniform();
    case Distribution::Kind::normal:
    case Distribution::Kind::lognormal:
      for (int attempt = 0; attempt < 10000; ++attempt) {
        const double z = d.a + d.b * rng.normal();
        const double v = d.kind == Distribution::Kind::normal ? z : std::exp(z);
        if (v >= d.min && v <= d.max) return v;
      }
      throw ParameterError(
          key, "[" + format_double(d.min) + ", " + format_double(d.max) + "]",
          "min and max leave almost none of the distribution (10000 draws missed); widen them");
  }
  return d.a;
}

}  // namespace lapicque::network
