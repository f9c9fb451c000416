// The SIMD vector of doubles the fast kernels use (std::experimental::simd at this machine's
// native width: 8 with AVX-512, 4 with AVX2, 2 with SSE2) and the functions on it that the
// standard does not provide.
//
// The exponential comes from glibc's libmvec (part of libc6, at most 4 ulp from the correctly
// rounded value), called through the x86-64 vector function ABI (`_ZGV<isa>N<width>v_exp`, the
// names GCC itself calls when it vectorises exp). libmvec links statically into the command line,
// which then starts without loading any shared library (SLEEF, the alternative, is packaged as a
// shared library only).
#pragma once

#include <cmath>
#include <cstddef>
#include <experimental/simd>

#if defined(__x86_64__) && (defined(__AVX2__) || defined(__AVX512F__))
#include <immintrin.h>
extern "C" {
#if defined(__AVX512F__)
__m512d _ZGVeN8v_exp(__m512d);
#endif
#if defined(__AVX2__)
__m256d _ZGVdN4v_exp(__m256d);
#endif
}
#endif

namespace lapicque::core {

namespace stdx = std::experimental;
using Doubles = stdx::native_simd<double>;
using DoubleMask = Doubles::mask_type;
inline constexpr std::size_t simd_width = Doubles::size();

namespace detail {
// A template, so that only the branch of the native width is compiled (the vector types of the
// other widths do not convert).
template <class Vector>
Vector exp_lanes(const Vector& x) {
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) return Vector(_ZGVeN8v_exp(static_cast<__m512d>(x)));
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4) return Vector(_ZGVdN4v_exp(static_cast<__m256d>(x)));
#endif
  return Vector([&](auto lane) { return std::exp(static_cast<double>(x[lane])); });
}
}  // namespace detail

// exp of every lane.
inline Doubles exp(const Doubles& x) {
  return detail::exp_lanes(x);
}

}  // namespace lapicque::core
