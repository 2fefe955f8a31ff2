// Random streams and service-time sampling. Each component and the arrival process draw from their
// own stream, seeded from (run seed, replication, stream name), so a replication gives the same
// numbers whichever process runs it, and two topologies see the same arrivals (common random
// numbers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/distribution.hpp"

namespace capsim::sim {

// xoshiro256** (Blackman & Vigna): small, fast, and good enough for simulation.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1);
  std::uint64_t next();
  double uniform();  // in (0, 1)
  double exponential(double mean);
  double normal();
  std::size_t below(std::size_t n);  // uniform integer in [0, n)

 private:
  std::uint64_t s_[4];
};

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t replication, const std::string& stream);

// Draws from a core::Distribution scaled by nothing: values are in the distribution's units.
class Sampler {
 public:
  Sampler() = default;
  explicit Sampler(const core::Distribution& d);
  double operator()(Rng& rng) const;
  double mean() const { return mean_; }

 private:
  core::DistKind kind_ = core::DistKind::Const;
  double mean_ = 0, a_ = 0, b_ = 0;
  std::vector<std::pair<double, double>> cdf_;
};

}  // namespace capsim::sim
