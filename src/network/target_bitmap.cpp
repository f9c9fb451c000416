#include "network/target_bitmap.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "core/huge_pages.hpp"

namespace lapicque::network {

namespace {

// Targets a bit each, as many as a vector register holds (GCC's vector extension): 256 with AVX,
// 128 without (wider vectors would then pass through memory, and change the calling convention).
#if defined(__AVX__)
using Block = std::uint64_t __attribute__((vector_size(32)));
#else
using Block = std::uint64_t __attribute__((vector_size(16)));
#endif
constexpr std::size_t block_words = sizeof(Block) / sizeof(std::uint64_t);

template <class V>
V load(const std::uint64_t* at) {
  V v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

// (high, low) = a + b + c, bit by bit: a carry-save adder.
template <class V>
inline void add3(V& high, V& low, V a, V b, V c) {
  const V u = a ^ b;
  high = (a & b) | (u & c);
  low = u ^ c;
}

// Adds `carry` (bits of weight 2^from) into the planes from plane `from` up, as a binary addition.
template <int P, class V>
inline void ripple(V (&plane)[P], V carry, int from) {
  for (int k = from; k < P; ++k) {
    const V next = plane[k] & carry;
    plane[k] ^= carry;
    carry = next;
  }
}

// plane[k] = bit k of how many of the n rows have each bit of `word` (and the words after it,
// for a Block) set; n < 2^P. Sixteen rows at a time go through a tree of carry-save adders into
// planes 0-3 (Harley and Seal's popcount, here kept per bit: about 6 operations a row where
// adding rows one by one took 2P + 1), the carry out of plane 3 then ripples into the planes
// above; the rows left over ripple in one by one.
template <int P, class V>
void count_rows(const std::uint64_t* const* rows, std::size_t n, std::size_t word, V (&plane)[P]) {
  for (auto& p : plane) p = V{};
  std::size_t r = 0;
  if constexpr (P >= 5) {
    for (; r + 16 <= n; r += 16) {
      const auto at = [&](std::size_t q) { return load<V>(rows[r + q] + word); };
      V eights[2], sixteens;
      for (std::size_t half = 0; half < 2; ++half) {
        V fours[2];
        for (std::size_t quarter = 0; quarter < 2; ++quarter) {
          const std::size_t q = 8 * half + 4 * quarter;
          V twos[2];
          add3(twos[0], plane[0], plane[0], at(q), at(q + 1));
          add3(twos[1], plane[0], plane[0], at(q + 2), at(q + 3));
          add3(fours[quarter], plane[1], plane[1], twos[0], twos[1]);
        }
        add3(eights[half], plane[2], plane[2], fours[0], fours[1]);
      }
      add3(sixteens, plane[3], plane[3], eights[0], eights[1]);
      ripple(plane, sixteens, 4);
    }
  }
  for (; r < n; ++r) ripple(plane, load<V>(rows[r] + word), 0);
}

// count[b] += the number held in bit b of the P planes (planes[k], bit k of it), b < limit <= 64.
template <int P>
[[gnu::always_inline]] inline void add_word(const std::uint64_t (&planes)[P], std::size_t limit,
                                            std::uint16_t* count) {
#if defined(__AVX2__)
  if (limit == 64) {
    // Byte l of a vector takes byte l / 8 of the plane's word (then 4 + l / 8), masked to bit
    // l % 8: all ones where the bit is set, then 2^k. Counts build up as bytes (the planes above
    // the largest count are empty, and skipped), then widen to 16 bits.
    const __m256i select = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    const __m256i first = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,  //
                                           2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i second = _mm256_add_epi8(first, _mm256_set1_epi8(4));
    __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256();
    for (int k = 0; k < P; ++k) {
      if (planes[k] == 0) continue;
      const __m256i word = _mm256_set1_epi64x(static_cast<long long>(planes[k]));
      const __m256i value = _mm256_set1_epi8(static_cast<char>(1 << k));
      const __m256i set_low =
          _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(word, first), select), select);
      const __m256i set_high =
          _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(word, second), select), select);
      low = _mm256_or_si256(low, _mm256_and_si256(set_low, value));
      high = _mm256_or_si256(high, _mm256_and_si256(set_high, value));
    }
    const auto add16 = [](std::uint16_t* at, __m128i bytes) {
      auto* p = reinterpret_cast<__m256i*>(at);
      _mm256_storeu_si256(p, _mm256_add_epi16(_mm256_loadu_si256(p), _mm256_cvtepu8_epi16(bytes)));
    };
    add16(count, _mm256_castsi256_si128(low));
    add16(count + 16, _mm256_extracti128_si256(low, 1));
    add16(count + 32, _mm256_castsi256_si128(high));
    add16(count + 48, _mm256_extracti128_si256(high, 1));
    return;
  }
#endif
  for (std::size_t b = 0; b < limit; ++b) {
    unsigned c = 0;
    for (int k = 0; k < P; ++k) c |= static_cast<unsigned>((planes[k] >> b) & 1) << k;
    count[b] = static_cast<std::uint16_t>(count[b] + c);
  }
}

// The n < 2^P rows' bits counted into count[i], i in [64 first, end), last = ceil(end / 64).
// The rows lie anywhere in memory, dozens of them at once, more than the hardware prefetcher
// follows: each row's line `ahead` lines on is asked for while this one is counted.
template <int P>
void add_chunk(const std::uint64_t* const* rows, std::size_t n, std::size_t first, std::size_t last,
               std::size_t end, std::uint16_t* count) {
  constexpr std::size_t line = 8, ahead = 4;  // words
  const auto limit = [&](std::size_t w) { return std::min<std::size_t>(64, end - 64 * w); };
  const auto block = [&](std::size_t w) {
    Block plane[P];
    count_rows<P>(rows, n, w, plane);
    for (std::size_t q = 0; q < block_words; ++q) {
      std::uint64_t words[P], any = 0;
      for (int k = 0; k < P; ++k) any |= words[k] = plane[k][q];
      if (any != 0) add_word<P>(words, limit(w + q), count + 64 * (w + q));
    }
  };
  const auto single = [&](std::size_t w) {
    std::uint64_t words[P];
    count_rows<P>(rows, n, w, words);
    add_word<P>(words, limit(w), count + 64 * w);
  };
  for (std::size_t a = 0; a < ahead; ++a)
    for (std::size_t r = 0; r < n; ++r) __builtin_prefetch(rows[r] + first + a * line);
  // Blocks and lines start on their own boundaries (a thread's share starts on any word: a
  // 32-byte load across two lines is two loads).
  std::size_t w = first;
  for (; w < last && w % block_words != 0; ++w) single(w);
  for (; w + block_words <= last && w % line != 0; w += block_words) block(w);
  for (; w + line <= last; w += line) {
    for (std::size_t r = 0; r < n; ++r) __builtin_prefetch(rows[r] + w + ahead * line);
    for (std::size_t b = 0; b < line; b += block_words) block(w + b);
  }
  for (; w + block_words <= last; w += block_words) block(w);
  for (; w < last; ++w) single(w);
}

// add_chunk<P> for chunks of 2^(P - 1) to 2^P - 1 rows, P = 1 to 8.
using Chunk = void (*)(const std::uint64_t* const*, std::size_t, std::size_t, std::size_t, std::size_t,
                       std::uint16_t*);
constexpr std::array<Chunk, 8> chunk_of_width = {&add_chunk<1>, &add_chunk<2>, &add_chunk<3>, &add_chunk<4>,
                                                 &add_chunk<5>, &add_chunk<6>, &add_chunk<7>, &add_chunk<8>};

}  // namespace

TargetBitmap::TargetBitmap(std::size_t sources, std::size_t targets)
    : sources_(sources), words_((targets + 511) / 512 * 8) {
  const std::size_t words = sources_ * words_;
  bits_.reset(
      static_cast<std::uint64_t*>(::operator new[](words * sizeof(std::uint64_t), std::align_val_t{64})));
  core::advise_huge_pages(bits_.get(), words * sizeof(std::uint64_t));
  std::fill(bits_.get(), bits_.get() + words, std::uint64_t{0});
}

void TargetBitmap::add_counts(const std::uint32_t* sources, std::size_t n, std::size_t begin, std::size_t end,
                              std::uint16_t* count, std::vector<const std::uint64_t*>& rows) const {
  if (begin >= end) return;
  const std::size_t first = begin / 64, last = (end + 63) / 64;
  // At most 255 rows at once: counts of up to 8 bits, as bytes.
  for (std::size_t done = 0; done < n;) {
    const std::size_t m = std::min<std::size_t>(n - done, 255);
    rows.clear();
    for (std::size_t r = 0; r < m; ++r) rows.push_back(row(sources[done + r]));
    chunk_of_width[std::bit_width(m) - 1](rows.data(), m, first, last, end, count);
    done += m;
  }
}

}  // namespace lapicque::network
