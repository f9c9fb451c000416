// The SIMD vector of doubles the fast kernels use (std::experimental::simd at this machine's
// native width: 8 with AVX-512, 4 with AVX2, 2 with SSE2) and the functions on it that the
// standard does not provide.
//
// The exponential is computed inline, not called: a call to a vector library (glibc's libmvec,
// SLEEF) makes the compiler spill every live vector register around it, which in the network and
// AdEx kernels cost as much as the exponential itself. The method is a table-driven one (Tang's:
// x = (16 e + j) ln 2 / 16 + r, a table of 2^(j/16), a short polynomial for exp(r), 2^e added to the
// exponent); tests/test_simd.cpp holds it within 1 ulp of std::exp. Arguments whose result would
// overflow or be subnormal (x outside [-708, 709]), infinities and NaN take std::exp lane by lane.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
    // (Through floats, exact for 16-bit counts: vcvtdq2pd takes the AVX2 EPYC (Zen) longer than
    // vcvtdq2ps and vcvtps2pd together; CUBA's kernel 8% faster, 2026-12-07.)
    return Vector(_mm256_cvtps_pd(
        _mm_cvtepi32_ps(_mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))))));
#endif
  return Vector([&](auto lane) { return static_cast<double>(p[lane]); });
}

// The lanes the vector path does not cover (rare: out of line, so that it does not weigh on the
// inlining of the rest).
template <class Vector>
[[gnu::noinline, gnu::cold]] Vector exp_outside_range(Vector result, const Vector& x) {
  for (std::size_t lane = 0; lane < Vector::size(); ++lane)
    if (!(x[lane] >= -708.0 && x[lane] <= 709.0)) result[lane] = std::exp(static_cast<double>(x[lane]));
  return result;
}

// x clamped to [lower, upper], NaN kept.
template <class Vector>
[[gnu::always_inline]] inline Vector clamp_keeping_nan(const Vector& x, double lower, double upper) {
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) {  // (maxpd and minpd give their second operand when one is NaN)
    const __m512d low =
        _mm512_maskz_max_pd(0xFF, static_cast<__m512d>(Vector(lower)), static_cast<__m512d>(x));
    return Vector(_mm512_maskz_min_pd(0xFF, static_cast<__m512d>(Vector(upper)), low));
  }
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4) {
    const __m256d low = _mm256_max_pd(static_cast<__m256d>(Vector(lower)), static_cast<__m256d>(x));
    return Vector(_mm256_min_pd(static_cast<__m256d>(Vector(upper)), low));
  }
#endif
  return Vector([&](auto lane) {
    const double value = x[lane];
    return value < lower ? lower : value > upper ? upper : value;
  });
}

// 2^(j/16) for j = 0..15 as the nearest double and the rest (together to about 2^-106).
alignas(64) inline constexpr double exp2_sixteenths[16] = {
    0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
    0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
    0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
    0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0};
alignas(64) inline constexpr double exp2_sixteenths_rest[16] = {0x0.0p+0,
                                                                0x1.8a62e4adc610bp-54,
                                                                -0x1.19041b9d78a76p-55,
                                                                0x1.9b07eb6c70573p-54,
                                                                0x1.6f46ad23182e4p-55,
                                                                0x1.ada0911f09ebcp-55,
                                                                0x1.d4397afec42e2p-56,
                                                                0x1.6324c054647adp-54,
                                                                -0x1.bdd3413b26456p-54,
                                                                -0x1.41577ee04992fp-55,
                                                                0x1.6e9f156864b27p-54,
                                                                0x1.c7c46b071f2bep-56,
                                                                0x1.7a1cd345dcc81p-54,
                                                                0x1.11065895048ddp-55,
                                                                0x1.2ed02d75b3707p-55,
                                                                -0x1.e9c23179c2893p-54};

// The same, a value and its rest side by side (AVX2 reads both with one 16-byte load).
struct alignas(16) SixteenthPair {
  double value, rest;
};
alignas(64) inline constexpr auto exp2_sixteenth_pairs = [] {
  std::array<SixteenthPair, 16> pairs{};
  for (std::size_t j = 0; j < 16; ++j) pairs[j] = {exp2_sixteenths[j], exp2_sixteenths_rest[j]};
  return pairs;
}();

// 2^(j/16) (both parts) for j = n mod 16, and y 2^floor(n/16) for a y in [0.9, 2.1) whose product is a
// normal double. `m` is n + 1.5 * 2^52: n sits in its low bits.
template <class Vector>
struct Sixteenths {
  Vector value, rest;
};
template <class Vector>
[[gnu::always_inline]] inline Sixteenths<Vector> sixteenths([[maybe_unused]] const Vector& m,
                                                            [[maybe_unused]] const Vector& n) {
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) {
    // (A permutation across two registers takes the index's low 4 bits.)
    const __m512i index = _mm512_castpd_si512(static_cast<__m512d>(m));
    return {Vector(_mm512_permutex2var_pd(_mm512_load_pd(exp2_sixteenths), index,
                                          _mm512_load_pd(exp2_sixteenths + 8))),
            Vector(_mm512_permutex2var_pd(_mm512_load_pd(exp2_sixteenths_rest), index,
                                          _mm512_load_pd(exp2_sixteenths_rest + 8)))};
  }
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4) {
    // Four 16-byte loads of (value, rest) pairs, regrouped by two inserts and two unpacks: a
    // quarter faster than two gathers on the AVX2 EPYC of 2026-12-06 alone, a third with both of
    // its cores busy (gathers slowed each other down across the cores).
    const __m256i offset = _mm256_slli_epi64(
        _mm256_and_si256(_mm256_castpd_si256(static_cast<__m256d>(m)), _mm256_set1_epi64x(15)), 4);
    const __m128i low = _mm256_castsi256_si128(offset), high = _mm256_extracti128_si256(offset, 1);
    const auto* base = reinterpret_cast<const char*>(exp2_sixteenth_pairs.data());
    const auto pair = [base](long long bytes) {
      return _mm_load_pd(reinterpret_cast<const double*>(base + bytes));
    };
    const __m256d lanes02 = _mm256_insertf128_pd(_mm256_castpd128_pd256(pair(_mm_cvtsi128_si64(low))),
                                                 pair(_mm_cvtsi128_si64(high)), 1);
    const __m256d lanes13 = _mm256_insertf128_pd(_mm256_castpd128_pd256(pair(_mm_extract_epi64(low, 1))),
                                                 pair(_mm_extract_epi64(high, 1)), 1);
    return {Vector(_mm256_unpacklo_pd(lanes02, lanes13)), Vector(_mm256_unpackhi_pd(lanes02, lanes13))};
  }
#endif
  const auto j = [&](auto lane) { return static_cast<std::size_t>(static_cast<std::int64_t>(n[lane]) & 15); };
  return {Vector([&](auto lane) { return exp2_sixteenths[j(lane)]; }),
          Vector([&](auto lane) { return exp2_sixteenths_rest[j(lane)]; })};
}
template <class Vector>
[[gnu::always_inline]] inline Vector times_power_of_sixteenths(const Vector& y,
                                                               [[maybe_unused]] const Vector& m,
                                                               const Vector& n) {
  // n << 48 with n's low 4 bits cleared is floor(n / 16) << 52, the exponent field's place: added to
  // y's bits, it multiplies y by 2^floor(n / 16) (exactly, the result being normal). m's bits above
  // n's (those of 1.5 * 2^52) leave the word in the shift.
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (Vector::size() == 8) {
    const __m512i scale =
        _mm512_and_si512(_mm512_maskz_slli_epi64(0xFF, _mm512_castpd_si512(static_cast<__m512d>(m)), 48),
                         _mm512_set1_epi64(static_cast<std::int64_t>(0xFFF0000000000000)));
    return Vector(_mm512_castsi512_pd(_mm512_add_epi64(_mm512_castpd_si512(static_cast<__m512d>(y)), scale)));
  }
#endif
#if defined(__x86_64__) && defined(__AVX2__)
  if constexpr (Vector::size() == 4) {
    const __m256i scale =
        _mm256_and_si256(_mm256_slli_epi64(_mm256_castpd_si256(static_cast<__m256d>(m)), 48),
                         _mm256_set1_epi64x(static_cast<std::int64_t>(0xFFF0000000000000)));
    return Vector(_mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(static_cast<__m256d>(y)), scale)));
  }
#endif
  return Vector([&](auto lane) {
    const auto whole = static_cast<std::int64_t>(n[lane]);
    return std::ldexp(static_cast<double>(y[lane]), static_cast<int>((whole - (whole & 15)) / 16));
  });
}

// exp(x) for x in [-708, 709] (what the caller guarantees); no lane is checked.
// x = n ln2/16 + r with |r| <= ln2/32 and n = 16 e + j (0 <= j < 16), so exp(x) = 2^e 2^(j/16) exp(r):
// 2^(j/16) from a table of 16 in two parts, exp(r) = 1 + r + r^2 q(r) with q of degree 4 fitted to
// (exp(r) - 1 - r) / r^2 on |r| <= ln2/32 (Chebyshev, by mpmath at 50 digits: 0.13 ulp in exp
// before rounding), 2^e added to the exponent's bits. Ten multiply-adds (the degree-11 polynomial
// over |r| <= ln2/2 this replaces took seventeen operations of the multiply-add units, which bound
// the AdEx and conductance kernels).
// Inlined into the kernels by force: a call would spill their vector registers.
template <class Vector>
[[gnu::always_inline]] inline Vector exp_in_range(const Vector& x) {
  // n = round(x 16 / ln2) by the 1.5 * 2^52 shift (exact for |x 16 / ln2| < 2^51).
  const Vector shift = 0x1.8p52;
  const Vector m = x * Vector(0x1.71547652b82fep+4) + shift;
  const Vector n = m - shift;
  // r = x - n ln2/16 in two parts: the first has 38 significant bits, so n times it is exact.
  const Vector r = (x - n * Vector(0x1.62e42fefa0000p-5)) - n * Vector(0x1.cf79abc9e3b3ap-44);
  const Vector r2 = r * r;
  const Vector q = (Vector(0.5) + Vector(0x1.55555554dd388p-3) * r) +
                   r2 * ((Vector(0x1.555555551946fp-5) + Vector(0x1.11120b03cd855p-7) * r) +
                         r2 * Vector(0x1.6c17bb5ebddb4p-10));
  const Vector p = r + r2 * q;  // exp(r) - 1
  const Sixteenths<Vector> t = sixteenths(m, n);
  // 2^(j/16) exp(r) = t + t p + rest (rest p is below 2^-58 of it).
  return times_power_of_sixteenths(t.value + (t.value * p + t.rest), m, n);
}

template <class Vector>
[[gnu::always_inline]] inline Vector exp_lanes(const Vector& x) {
  const Vector result = exp_in_range(x);
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

// Zeroes N 16-bit counts at p, in as few stores as the width allows (one store per element or
// per vector made the stores bind CUBA's kernel: the AVX2 EPYC stores 16 bytes a cycle).
template <std::size_t N>
[[gnu::always_inline]] inline void zero_counts(std::uint16_t* p) {
  std::memset(p, 0, N * sizeof(std::uint16_t));  // (a constant size: inlined as wide stores)
}

// The lanes of a mask as the bits of an integer, lane 0 the lowest (one movemask: read lane by
// lane, the mask went through memory at every vector, and the store cost the kernels).
[[gnu::always_inline]] inline unsigned lane_bits(const DoubleMask& m) {
  return static_cast<unsigned>(m.__to_bitset().to_ulong());  // (libstdc++'s extension)
}

// Whether every lane of a mask is set, for the tests in the kernels' loops: one movemask and a
// compare. (stdx::all_of compiles to vtestpd, slow on the AVX2 EPYC (Zen): a loop of CUBA's
// kernel took 14% longer with it, 2026-12-07.)
[[gnu::always_inline]] inline bool every_lane(const DoubleMask& m) {
  return lane_bits(m) == (1u << DoubleMask::size()) - 1;
}

// The largest x that one_minus_exp_over_x_small() takes.
inline constexpr double one_minus_exp_over_x_limit = 0.5;

// (1 - exp(-x)) / x for 0 <= x <= 1/2 (what the caller checks), 1 at 0: what a linear equation
// dV/dt = -k (V - E) moves V by over a step, (E - V) k dt times this of x = k dt, with neither
// a division nor an exponential. A polynomial of degree 9 fitted to it on [0, 1/2] (Chebyshev, by
// mpmath at 50 digits: 3.8e-17 before rounding; evaluated by Horner's rule in doubles, within
// 1.5 ulp of the function at 4,001 points).
[[gnu::always_inline]] inline Doubles one_minus_exp_over_x_small(const Doubles& x) {
  constexpr double c[] = {-0x1.d823af61bbfc6p-23, 0x1.6a3c1963299dcp-19,
                          -0x1.9f8d22848c183p-16, 0x1.a013d18d84387p-13,
                          -0x1.6c16962d6271ap-10, 0x1.111110589fe36p-7,
                          -0x1.55555551cc379p-5,  0x1.555555554c832p-3,
                          -0x1.ffffffffffeefp-2,  0x1.0p+0};
  Doubles p(c[0]);
  for (std::size_t k = 1; k < std::size(c); ++k) p = p * x + c[k];
  return p;
}

// exp of every lane.
[[gnu::always_inline]] inline Doubles exp(const Doubles& x) {
  return detail::exp_lanes(x);
}

// exp(x) with x clamped to [-708, 709] first: the same as exp() inside, 3.3e-308 below (where
// exp() gives a subnormal or 0) and 8.2e307 above (where it gives infinity); NaN stays NaN. For
// factors and terms where those ends cannot matter (a decay that makes V its limit, a term beside
// ordinary values): no lane is checked, no branch, and two operations where exp() takes four.
[[gnu::always_inline]] inline Doubles exp_clamped(const Doubles& x) {
  return detail::exp_in_range(detail::clamp_keeping_nan(x, -708.0, 709.0));
}

}  // namespace lapicque::core
