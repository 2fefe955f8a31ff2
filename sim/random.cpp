#include "sim/random.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::sim {
namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& s : s_) s = splitmix64(seed);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() {
  return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
}

double Rng::exponential(double mean) {
  return -mean * std::log(uniform());
}

double Rng::normal() {
  // Box-Muller; one of the pair is dropped to keep the stream stateless.
  return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform());
}

std::size_t Rng::below(std::size_t n) {
  return static_cast<std::size_t>(uniform() * n) % n;
}

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t replication, const std::string& stream) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the stream name
  for (unsigned char c : stream) h = (h ^ c) * 1099511628211ULL;
  std::uint64_t x = seed ^ (replication * 0x9e3779b97f4a7c15ULL) ^ h;
  splitmix64(x);
  return splitmix64(x);
}

Sampler::Sampler(const core::Distribution& d) : kind_(d.kind), mean_(d.mean) {
  switch (d.kind) {
    case core::DistKind::LogNormal: {
      // mean m and coefficient of variation cv: sigma^2 = ln(1 + cv^2), mu = ln m - sigma^2 / 2
      double s2 = std::log(1 + d.cv * d.cv);
      a_ = std::log(d.mean) - s2 / 2;
      b_ = std::sqrt(s2);
      break;
    }
    case core::DistKind::Uniform:
      a_ = d.min;
      b_ = d.max;
      break;
    case core::DistKind::Empirical:
      cdf_ = d.percentiles;
      break;
    default:
      break;
  }
}

double Sampler::operator()(Rng& rng) const {
  switch (kind_) {
    case core::DistKind::Const:
      return mean_;
    case core::DistKind::Exp:
      return rng.exponential(mean_);
    case core::DistKind::LogNormal:
      return std::exp(a_ + b_ * rng.normal());
    case core::DistKind::Uniform:
      return a_ + (b_ - a_) * rng.uniform();
    case core::DistKind::Empirical: {
      double u = rng.uniform();
      auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u,
                                 [](const auto& point, double p) { return point.first < p; });
      if (it == cdf_.begin()) return cdf_.front().second;
      auto prev = it - 1;
      double span = it->first - prev->first;
      double f = span > 0 ? (u - prev->first) / span : 0;
      return prev->second + f * (it->second - prev->second);
    }
  }
  return mean_;
}

}  // namespace capsim::sim
