// The SIMD vector of doubles the fast kernels use (std::experimental::simd at this machine's
// native width: 8 with AVX-512, 4 with AVX2, 2 with SSE2) and the functions on it that the
// standard does not provide.
//
// The exponential is computed inline, not called: a call to a vector library (glibc's libmvec,
// SLEEF) makes the compiler spill every live vector register around it, which in the network and
// AdEx kernels cost as much as the exponential itself. The method is the textbook one
// (Cody & Waite's reduction x = k ln 2 + r with |r| <= ln 2 / 2, exp(r) by a polynomial of degree
// 11 fitted on that interval, then the scaling by 2^k); tests/test_simd.cpp holds it within 1 ulp
// of std::exp. Arguments whose result would overflow or be subnormal (x outside [-708, 709]),
// infinities and NaN take std::exp lane by lane.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <experimental/simd>

#if defined(__x86_64__) && (defined(__AVX2__) || defined(__AVX512F__))
#include <immintrin.h>
#endif

namespace lapicque::core {

namespace stdx = std::experimental;
using Doubles = stdx::native_simd<double>;
using DoubleMask = Doubles::mask_type;
inline constexpr std::size_t simd_width = Doubles::size();

namespace detail {

// p * 2^k for integer-valued k in [-1021, 1023] (a template, so that only the branch of the
// native width is compiled: the vector types of the other widths do not convert).
template <class Vector>
[[gnu::always_inline]] inline Vector times_power_of_two(const Vector& p, const Vector& k) {
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) {
    // (The zero-masking form: the plain one's undefined-vector argument upsets GCC 12's
    // uninitialised-use warning.)
    return Vector(_mm512_maskz_scalef_pd(0xFF, static_cast<__m512d>(p), static_cast<__m512d>(k)));
  }
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4) {
    // k + 1023 sits in the low mantissa bits of k + 1023 + 1.5 * 2^52; shifted into the exponent
    // field it is the double 2^k.
    const __m256d biased = static_cast<__m256d>(k + Vector(1023.0 + 0x1.8p52));
    const __m256i bits = _mm256_slli_epi64(_mm256_castpd_si256(biased), 52);
    return p * Vector(_mm256_castsi256_pd(bits));
  }
#endif
  // (Lanes outside the range get std::exp afterwards; their k, perhaps NaN, is clamped first so
  // that its conversion to int is defined.)
  return Vector([&](auto lane) {
    const double power = k[lane] >= -1100.0 && k[lane] <= 1100.0 ? static_cast<double>(k[lane]) : 0.0;
    return std::ldexp(static_cast<double>(p[lane]), static_cast<int>(power));
  });
}

// simd_width 16-bit counts from `p`, as doubles (GCC does not vectorise the loop by itself).
template <class Vector>
[[gnu::always_inline]] inline Vector counts_as_doubles(const std::uint16_t* p) {
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) {
    const __m256i words =
        _mm256_maskz_cvtepu16_epi32(0xFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return Vector(_mm512_maskz_cvtepi32_pd(0xFF, words));
  }
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4)
    return Vector(
        _mm256_cvtepi32_pd(_mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))));
#endif
  return Vector([&](auto lane) { return static_cast<double>(p[lane]); });
}

// x, rounded where it stands: the compiler may not fuse the product that made it into a later
// multiply-add, so a value computed in registers sums as the same value read from memory would.
template <class Vector>
[[gnu::always_inline]] inline Vector rounded(Vector x) {
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) {
    __m512d v = static_cast<__m512d>(x);
    asm("" : "+v"(v));
    return Vector(v);
  }
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4) {
    __m256d v = static_cast<__m256d>(x);
    asm("" : "+x"(v));
    return Vector(v);
  }
#endif
  return x;
}

// The lanes the vector path does not cover (rare: out of line, so that it does not weigh on the
// inlining of the rest).
template <class Vector>
[[gnu::noinline, gnu::cold]] Vector exp_outside_range(Vector result, const Vector& x) {
  for (std::size_t lane = 0; lane < Vector::size(); ++lane)
    if (!(x[lane] >= -708.0 && x[lane] <= 709.0)) result[lane] = std::exp(static_cast<double>(x[lane]));
  return result;
}

// Inlined into the kernels by force: a call would spill their vector registers.
template <class Vector>
[[gnu::always_inline]] inline Vector exp_lanes(const Vector& x) {
  // k = round(x / ln 2) by the 1.5 * 2^52 shift (exact for |x / ln 2| < 2^51).
  const Vector shift = 0x1.8p52;
  const Vector k = (x * Vector(1.4426950408889634) + shift) - shift;
  // r = x - k ln 2 in two parts: the last 17 bits of the first are zero, so k times it is exact.
  const Vector r = x - k * Vector(0x1.62e42fefa0000p-1) - k * Vector(0x1.cf79abc9e3b3ap-40);
  // exp(r) = 1 + r + r^2 q(r), q of degree 9 fitted to (exp(r) - 1 - r) / r^2 on |r| <= ln 2 / 2
  // (Chebyshev, by mpmath at 50 digits: 1e-16 in q, below 0.15 ulp in exp before rounding),
  // evaluated by Estrin's scheme (short dependency chains).
  const Vector r2 = r * r, r4 = r2 * r2;
  const auto pair = [&](double a, double b) { return Vector(a) + Vector(b) * r; };
  const Vector q = (pair(0x1.0000000000001p-1, 0x1.5555555555556p-3) +
                    r2 * pair(0x1.5555555553d63p-5, 0x1.11111111109b3p-7)) +
                   r4 * ((pair(0x1.6c16c1788bd90p-10, 0x1.a01a01a7c41d5p-13) +
                          r2 * pair(0x1.a019b90d2ae7ap-16, 0x1.71de0dae63bb3p-19)) +
                         r4 * pair(0x1.289185613a3d6p-22, 0x1.af38a9b0ec855p-26));
  // 2^k (1 + p) as one fused multiply-add with 2^k computed beside the polynomial: the same
  // rounding as scaling 1 + p (a power of two commutes with it), one operation less in the chain.
  const Vector power = times_power_of_two(Vector(1.0), k);
  const Vector result = stdx::fma(power, r + r2 * q, power);
  const auto in_range = x >= Vector(-708.0) && x <= Vector(709.0);  // false for NaN
  if (!stdx::all_of(in_range)) [[unlikely]]
    return exp_outside_range(result, x);
  return result;
}

}  // namespace detail

// simd_width 16-bit counts from p, as doubles.
[[gnu::always_inline]] inline Doubles counts_as_doubles(const std::uint16_t* p) {
  return detail::counts_as_doubles<Doubles>(p);
}

// x, kept from being fused into a later multiply-add (see detail::rounded).
[[gnu::always_inline]] inline Doubles rounded(const Doubles& x) {
  return detail::rounded<Doubles>(x);
}

// exp of every lane.
[[gnu::always_inline]] inline Doubles exp(const Doubles& x) {
  return detail::exp_lanes(x);
}

}  // namespace lapicque::core
