// Spike delivery's inner loop: out[i] += w for every index i of a source's targets.
//
// The plain loop is the fastest while no target repeats. Where targets repeat (multapses), some
// addition's load does depend on the store just before it; the processor learns that its loads
// may, and from then on makes each wait for the stores before it (on the 2-vCPU EPYC of
// 2026-12-06: 7.7 cycles an addition in Brunel's delivery, whose fixed in-degree allows
// multapses, against 2 in CUBA's, which has none). For such lists add_at_repeating reads four
// targets, then their four values, then stores the four sums: a repeated target follows its twin,
// the targets of a source being sorted (connectivity.hpp), so its sum builds on its twin's in a
// register. Both give the values of the plain loop, in the same order, bit for bit.
#pragma once

#include <cstddef>

namespace lapicque::network {

// out[*i] += w for i in [first, last), where no index repeats.
template <class Value, class Index, class Weight>
inline void add_at(Value* out, const Index* first, const Index* last, Weight w) {
  for (const Index* e = first; e < last; ++e) out[*e] = static_cast<Value>(out[*e] + w);
}

// out[*i] += w for i in [first, last), sorted ascending, indices perhaps repeated (3.8 cycles an
// addition where the plain loop took 7.7, on the machine above).
template <class Value, class Index, class Weight>
inline void add_at_repeating(Value* out, const Index* first, const Index* last, Weight w) {
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
  add_at(out, e, last, w);
}

}  // namespace lapicque::network
