// Spike delivery's inner loop: out[i] += w for every index i of a source's targets.
//
// Written as the plain loop `for (i : targets) out[i] += w`, each addition's load waited for the
// store before it (the processor cannot tell that they are to other addresses, and on the
// 2-vCPU EPYC of 2026-12-06 it ordered them: 7.7 cycles an addition, Brunel's delivery). Here
// four targets are read, then their four values, then the four sums stored: the loads go ahead
// together. A target repeated (a multapse) follows its twin, the targets of a source being
// sorted (connectivity.hpp), so its sum builds on its twin's: the values are those of the plain
// loop, in the same order, bit for bit (2.0x faster on that machine, measured alone).
#pragma once

#include <cstddef>

namespace lapicque::network {

// out[*i] += w for i in [first, last), which is sorted ascending.
template <class Value, class Index, class Weight>
inline void add_at(Value* out, const Index* first, const Index* last, Weight w) {
  constexpr std::ptrdiff_t batch = 4;
  const Index* e = first;
  for (; last - e >= batch; e += batch) {
    Index target[batch];
    Value value[batch];
    for (std::ptrdiff_t k = 0; k < batch; ++k) target[k] = e[k];
    for (std::ptrdiff_t k = 0; k < batch; ++k) value[k] = out[target[k]];
    Value sum = static_cast<Value>(value[0] + w);
    out[target[0]] = sum;
    for (std::ptrdiff_t k = 1; k < batch; ++k) {
      sum = static_cast<Value>((target[k] == target[k - 1] ? sum : value[k]) + w);
      out[target[k]] = sum;
    }
  }
  for (; e < last; ++e) out[*e] = static_cast<Value>(out[*e] + w);
}

}  // namespace lapicque::network
