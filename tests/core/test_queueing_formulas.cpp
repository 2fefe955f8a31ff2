// The analytical library is checked against identities derived independently here (closed forms
// for small c, direct sums, moments of the response-time distribution, Little's law), never
// against numbers copied from the implementation.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/queueing.hpp"
#include "core/statistics.hpp"

namespace core = capsim::core;
namespace qa = capsim::core;
using Catch::Detail::Approx;

namespace {

// Erlang B from its definition (a^c/c!) / sum_k a^k/k!, summed in log space so large c works.
double erlang_b_direct(int c, double a) {
  std::vector<double> logs;
  for (int k = 0; k <= c; ++k) logs.push_back(k * std::log(a) - std::lgamma(k + 1.0));
  double mx = logs[0];
  for (double l : logs) mx = std::max(mx, l);
  double sum = 0;
  for (double l : logs) sum += std::exp(l - mx);
  return std::exp(logs.back() - mx) / sum;
}

// Erlang C from its definition: P(wait) = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + same).
double erlang_c_direct(int c, double a) {
  double term = 1, below = 0;
  for (int k = 0; k < c; ++k) {
    below += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);
  return top / (below + top);
}

// Composite Simpson's rule of f over [0, upper] with n (even) panels.
template <typename F>
double simpson(F f, double upper, int n) {
  const double h = upper / n;
  double s = f(0.0) + f(upper);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * f(i * h);
  return s * h / 3.0;
}

}  // namespace

TEST_CASE("Erlang B matches closed forms and the direct sum", "[queueing][erlang]") {
  for (double a : {0.01, 0.5, 1.0, 3.7, 20.0}) {
    CHECK(qa::erlang_b(1, a) == Approx(a / (1 + a)));
    CHECK(qa::erlang_b(2, a) == Approx((a * a / 2) / (1 + a + a * a / 2)));
    CHECK(qa::erlang_b(0, a) == 1.0);
  }
  CHECK(qa::erlang_b(5, 0.0) == 0.0);
  for (int c : {10, 100, 1000, 10000}) {
    for (double load : {0.5, 0.9, 1.0, 1.2}) {
      const double a = load * c;
      const double b = qa::erlang_b(c, a);
      REQUIRE(std::isfinite(b));
      CHECK(b == Approx(erlang_b_direct(c, a)).epsilon(1e-9));
    }
  }
  CHECK(std::isnan(qa::erlang_b(-1, 1.0)));
  CHECK(std::isnan(qa::erlang_b(3, -1.0)));
  CHECK(std::isnan(qa::erlang_b(3, std::nan(""))));
}

TEST_CASE("Erlang C matches closed forms and the direct sum", "[queueing][erlang]") {
  for (double a : {0.01, 0.3, 0.9, 0.999}) CHECK(qa::erlang_c(1, a) == Approx(a));
  // c = 2: C = (a^2/(2-a)) / (1 + a + a^2/(2-a)) = a^2 / (2 + a).
  for (double a : {0.1, 1.0, 1.9}) CHECK(qa::erlang_c(2, a) == Approx(a * a / (2 + a)));
  for (int c : {3, 17, 50}) {
    for (double load : {0.3, 0.8, 0.99}) {
      const double a = load * c;
      CHECK(qa::erlang_c(c, a) == Approx(erlang_c_direct(c, a)).epsilon(1e-10));
      CHECK(qa::erlang_c(c, a) >= qa::erlang_b(c, a));  // waiting room only adds contention
    }
  }
  const double big = qa::erlang_c(10000, 9900.0);
  CHECK(big > 0.0);
  CHECK(big < 1.0);
  CHECK(qa::erlang_c(4, 4.0) == 1.0);  // unstable: everyone waits
  CHECK(qa::erlang_c(4, 9.0) == 1.0);
  CHECK(std::isnan(qa::erlang_c(0, 0.5)));
}

TEST_CASE("M/M/1 means follow the textbook closed forms", "[queueing][mmc]") {
  const double mu = 10.0;
  for (double lambda : {0.5, 5.0, 9.0, 9.99}) {
    const double rho = lambda / mu;
    const qa::MMcMetrics m = qa::mmc_metrics(lambda, mu, 1);
    CHECK(m.utilisation == Approx(rho));
    CHECK(m.prob_wait == Approx(rho));
    CHECK(m.mean_wait == Approx(rho / (mu - lambda)));
    CHECK(m.mean_response == Approx(1 / (mu - lambda)));
    CHECK(m.mean_in_system == Approx(rho / (1 - rho)));
    CHECK(m.mean_in_queue == Approx(rho * rho / (1 - rho)));
  }
}

TEST_CASE("M/M/2 means follow the textbook closed forms", "[queueing][mmc]") {
  // From C = a^2/(2+a): L = 2 rho / (1 - rho^2), W = 1 / (mu (1 - rho^2)).
  const double mu = 2.0;
  for (double rho : {0.1, 0.5, 0.95}) {
    const double lambda = 2 * mu * rho;
    const qa::MMcMetrics m = qa::mmc_metrics(lambda, mu, 2);
    CHECK(m.mean_in_system == Approx(2 * rho / (1 - rho * rho)));
    CHECK(m.mean_response == Approx(1 / (mu * (1 - rho * rho))));
    CHECK(m.mean_in_system == Approx(lambda * m.mean_response));       // Little
    CHECK(m.mean_in_system - m.mean_in_queue == Approx(lambda / mu));  // busy servers
  }
}

TEST_CASE("M/M/c reports unstable and malformed systems without asserting", "[queueing][mmc]") {
  const qa::MMcMetrics over = qa::mmc_metrics(10.0, 2.0, 5);
  CHECK(over.utilisation == Approx(1.0));
  CHECK(std::isinf(over.mean_wait));
  CHECK(std::isinf(over.mean_response));
  CHECK(std::isinf(over.mean_in_system));
  CHECK(std::isinf(qa::mmc_response_quantile(10.0, 2.0, 5, 0.99)));
  CHECK(std::isinf(qa::mm1_response_quantile(3.0, 2.0, 0.5)));
  CHECK(std::isnan(qa::mmc_response_tail(10.0, 2.0, 5, 1.0)));
  CHECK(std::isnan(qa::mmc_metrics(1.0, 0.0, 1).mean_wait));
  CHECK(std::isnan(qa::mmc_metrics(-1.0, 1.0, 1).mean_wait));
  CHECK(std::isnan(qa::mmc_metrics(1.0, 2.0, 0).mean_wait));
  const qa::MMcMetrics idle = qa::mmc_metrics(0.0, 4.0, 3);
  CHECK(idle.mean_wait == 0.0);
  CHECK(idle.mean_response == Approx(0.25));
}

TEST_CASE("M/M/1 response time is exponential with rate mu - lambda", "[queueing][mmc][tail]") {
  const double lambda = 7.0, mu = 10.0;
  for (double t : {0.0, 0.01, 0.3, 1.0, 5.0}) {
    CHECK(qa::mmc_response_tail(lambda, mu, 1, t) == Approx(std::exp(-(mu - lambda) * t)));
  }
  for (double p : {0.5, 0.95, 0.99, 0.999}) {
    const double q = qa::mm1_response_quantile(lambda, mu, p);
    CHECK(q == Approx(-std::log(1 - p) / (mu - lambda)));
    CHECK(qa::mmc_response_quantile(lambda, mu, 1, p) == Approx(q).epsilon(1e-10));
  }
  CHECK(qa::mm1_response_quantile(lambda, mu, 0.0) == 0.0);
  CHECK(std::isinf(qa::mm1_response_quantile(lambda, mu, 1.0)));
}

TEST_CASE("M/M/c response-time distribution has the right first two moments",
          "[queueing][mmc][tail]") {
  struct Case {
    double lambda, mu;
    int c;
  };
  // {1, 1, 2} has c mu - lambda == mu, the Erlang-2 special case; its neighbours straddle it.
  const std::vector<Case> cases = {{1.0, 1.0, 2},   {1.0 + 1e-9, 1.0, 2}, {1.0 - 1e-9, 1.0, 2},
                                   {0.5, 1.0, 1},   {3.0, 1.0, 4},        {3.9, 1.0, 4},
                                   {45.0, 1.0, 50}, {0.2, 1.0, 3},        {80.0, 0.1, 1000}};
  for (const Case& k : cases) {
    CAPTURE(k.lambda, k.mu, k.c);
    const qa::MMcMetrics m = qa::mmc_metrics(k.lambda, k.mu, k.c);
    auto tail = [&](double t) { return qa::mmc_response_tail(k.lambda, k.mu, k.c, t); };
    // T = W + S with W = 0 w.p. 1 - C else Exp(alpha), S ~ Exp(mu) independent:
    // E[T] = C/alpha + 1/mu and E[T^2] = 2C/alpha^2 + 2 (C/alpha)(1/mu) + 2/mu^2.
    const double alpha = k.c * k.mu - k.lambda;
    const double cw = m.prob_wait;
    const double second = 2 * cw / (alpha * alpha) + 2 * (cw / alpha) / k.mu + 2 / (k.mu * k.mu);
    const double upper = 60.0 / std::min(alpha, k.mu);  // tail < e^-60 * (1 + 60) beyond this
    const double mean_integral = simpson(tail, upper, 20000);
    const double second_integral = simpson([&](double t) { return 2 * t * tail(t); }, upper, 20000);
    CHECK(mean_integral == Approx(m.mean_response).epsilon(1e-8));
    CHECK(second_integral == Approx(second).epsilon(1e-8));
    CHECK(tail(0.0) == 1.0);
    CHECK(qa::mmc_response_cdf(k.lambda, k.mu, k.c, 0.7 / k.mu) == Approx(1 - tail(0.7 / k.mu)));
  }
  // The special case is continuous with its neighbours.
  for (double t : {0.1, 1.0, 10.0}) {
    CHECK(qa::mmc_response_tail(1.0, 1.0, 2, t) ==
          Approx(qa::mmc_response_tail(1.0 + 1e-7, 1.0, 2, t)).epsilon(1e-6));
    // At alpha == mu, a waiting customer's T is Erlang-2: C e^{-t}(1+t) + (1-C) e^{-t}.
    const double c = qa::erlang_c(2, 1.0);
    CHECK(qa::mmc_response_tail(1.0, 1.0, 2, t) ==
          Approx(c * std::exp(-t) * (1 + t) + (1 - c) * std::exp(-t)));
  }
}

TEST_CASE("M/M/c response-time quantile inverts the CDF", "[queueing][mmc][tail]") {
  struct Case {
    double lambda, mu;
    int c;
  };
  const std::vector<Case> cases = {
      {1.0, 1.0, 2}, {3.9, 1.0, 4}, {45.0, 1.0, 50}, {0.01, 1.0, 8}, {950.0, 1.0, 1000}};
  for (const Case& k : cases) {
    CAPTURE(k.lambda, k.mu, k.c);
    double previous = 0;
    for (double p : {0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1 - 1e-9}) {
      CAPTURE(p);
      const double q = qa::mmc_response_quantile(k.lambda, k.mu, k.c, p);
      REQUIRE(std::isfinite(q));
      CHECK(q > previous);
      previous = q;
      // Compare on the tail so that p99.99 is checked to relative, not absolute, precision.
      CHECK(qa::mmc_response_tail(k.lambda, k.mu, k.c, q) == Approx(1 - p).epsilon(1e-9));
    }
    CHECK(qa::mmc_response_quantile(k.lambda, k.mu, k.c, 0.0) == 0.0);
  }
  CHECK(std::isnan(qa::mmc_response_quantile(1.0, 1.0, 2, -0.1)));
}

TEST_CASE("M/M/c/K matches M/M/1/K, Erlang B and the infinite queue", "[queueing][mmck]") {
  // M/M/1/K: p_n = (1 - rho) rho^n / (1 - rho^{K+1}).
  const double mu = 1.0;
  for (double rho : {0.5, 0.9, 1.5}) {
    for (int k : {1, 5, 20}) {
      CAPTURE(rho, k);
      const qa::MMcKMetrics m = qa::mmck_metrics(rho * mu, mu, 1, k);
      const double norm = 1 - std::pow(rho, k + 1);
      CHECK(m.blocking == Approx((1 - rho) * std::pow(rho, k) / norm));
      CHECK(m.mean_in_system == Approx(rho / (1 - rho) - (k + 1) * std::pow(rho, k + 1) / norm));
      CHECK(m.mean_response == Approx(m.mean_in_system / (rho * mu * (1 - m.blocking))));
      CHECK(m.utilisation == Approx(1 - (1 - rho) / norm));  // 1 - p_0
    }
  }
  // rho == 1: uniform over 0..K.
  const qa::MMcKMetrics flat = qa::mmck_metrics(2.0, 2.0, 1, 9);
  CHECK(flat.blocking == Approx(0.1));
  CHECK(flat.mean_in_system == Approx(4.5));

  // K == c is the Erlang loss system.
  for (int c : {1, 4, 30}) {
    const double a = 0.8 * c;
    const qa::MMcKMetrics loss = qa::mmck_metrics(a, 1.0, c, c);
    CHECK(loss.blocking == Approx(qa::erlang_b(c, a)));
    CHECK(loss.mean_wait == 0.0);
    CHECK(loss.mean_response == Approx(1.0));
  }

  // K -> infinity approaches M/M/c.
  for (int c : {1, 3, 20}) {
    const double lambda = 0.9 * c * 2.0;
    const qa::MMcKMetrics finite = qa::mmck_metrics(lambda, 2.0, c, 5000);
    const qa::MMcMetrics open = qa::mmc_metrics(lambda, 2.0, c);
    CHECK(finite.blocking < 1e-100);
    CHECK(finite.mean_in_system == Approx(open.mean_in_system).epsilon(1e-9));
    CHECK(finite.mean_response == Approx(open.mean_response).epsilon(1e-9));
    CHECK(finite.mean_wait == Approx(open.mean_wait).epsilon(1e-9));
  }

  // Heavy overload of many servers: finite, no overflow, and nearly everyone beyond capacity lost.
  const qa::MMcKMetrics heavy = qa::mmck_metrics(5000.0, 1.0, 1000, 1200);
  CHECK(heavy.blocking == Approx(0.8).epsilon(1e-3));
  CHECK(heavy.utilisation == Approx(1.0).epsilon(1e-3));
  CHECK(std::isnan(qa::mmck_metrics(1.0, 1.0, 3, 2).blocking));
}

TEST_CASE("M/G/1 FCFS and PS means", "[queueing][mg1]") {
  const double es = 0.1;
  for (double lambda : {1.0, 5.0, 9.5}) {
    const double mu = 1 / es;
    const double mm1_wait = qa::mmc_metrics(lambda, mu, 1).mean_wait;
    CHECK(qa::mg1_mean_wait(lambda, es, 1.0) == Approx(mm1_wait));
    CHECK(qa::md1_mean_wait(lambda, es) == Approx(mm1_wait / 2));
    CHECK(qa::mg1_mean_response(lambda, es, 1.0) == Approx(1 / (mu - lambda)));
    // Hyperexponential-like SCV 4: Wq scales with (1 + SCV) / 2.
    CHECK(qa::mg1_mean_wait(lambda, es, 4.0) == Approx(mm1_wait * 2.5));
    CHECK(qa::mg1_ps_mean_response(lambda, es) == Approx(1 / (mu - lambda)));
  }
  CHECK(std::isinf(qa::mg1_mean_wait(10.0, 0.1, 1.0)));
  CHECK(std::isinf(qa::mg1_ps_mean_response(20.0, 0.1)));
  CHECK(std::isnan(qa::mg1_mean_wait(1.0, 0.1, -1.0)));
  CHECK(qa::mg1_mean_wait(0.0, 0.1, 1.0) == 0.0);
}

TEST_CASE("Open Jackson networks", "[queueing][jackson]") {
  SECTION("a single station is M/M/c") {
    const qa::JacksonResult r = qa::jackson_network({{3, 0.5}}, {4.0}, {{0.0}});
    const qa::MMcMetrics m = qa::mmc_metrics(4.0, 2.0, 3);
    REQUIRE(r.stable);
    CHECK(r.stations[0].arrival_rate == Approx(4.0));
    CHECK(r.stations[0].utilisation == Approx(m.utilisation));
    CHECK(r.stations[0].mean_response == Approx(m.mean_response));
    CHECK(r.mean_end_to_end == Approx(m.mean_response));
  }
  SECTION("feedback multiplies visits by 1 / (1 - p)") {
    const double p = 0.25, gamma = 1.0;
    const qa::JacksonResult r = qa::jackson_network({{1, 0.2}}, {gamma}, {{p}});
    const double lambda = gamma / (1 - p);
    CHECK(r.stations[0].arrival_rate == Approx(lambda));
    CHECK(r.stations[0].visit_ratio == Approx(1 / (1 - p)));
    CHECK(r.mean_end_to_end == Approx(1 / (1 - p) / (5.0 - lambda)));
  }
  SECTION("a tandem adds response times; routing and visit forms agree") {
    const std::vector<qa::JacksonStation> st = {{1, 0.1}, {2, 0.3}, {4, 1.0}};
    // Enter at 0; from 0 go to 1 w.p. 0.6 or 2 w.p. 0.4; from 1 back to 0 w.p. 0.2 else leave;
    // 2 always leaves. Visits: v0 = 1 + 0.2 v1, v1 = 0.6 v0, v2 = 0.4 v0.
    const std::vector<std::vector<double>> routing = {
        {0.0, 0.6, 0.4}, {0.2, 0.0, 0.0}, {0.0, 0.0, 0.0}};
    const double gamma = 2.0;
    const qa::JacksonResult r = qa::jackson_network(st, {gamma, 0.0, 0.0}, routing);
    const double v0 = 1 / (1 - 0.2 * 0.6);
    const std::vector<double> v = {v0, 0.6 * v0, 0.4 * v0};
    double expected = 0;
    for (std::size_t i = 0; i < st.size(); ++i) {
      CHECK(r.stations[i].visit_ratio == Approx(v[i]));
      const qa::MMcMetrics m = qa::mmc_metrics(gamma * v[i], 1 / st[i].mean_service, st[i].servers);
      CHECK(r.stations[i].mean_response == Approx(m.mean_response));
      expected += v[i] * m.mean_response;
    }
    CHECK(r.mean_end_to_end == Approx(expected));
    // Little on the whole network: mean population = gamma * end-to-end time.
    double population = 0;
    for (std::size_t i = 0; i < st.size(); ++i) {
      population += r.stations[i].arrival_rate * r.stations[i].mean_response;
    }
    CHECK(population == Approx(gamma * r.mean_end_to_end));
    const qa::JacksonResult rv = qa::jackson_network_visits(st, gamma, v);
    CHECK(rv.mean_end_to_end == Approx(r.mean_end_to_end));
  }
  SECTION("unstable and malformed networks") {
    const qa::JacksonResult hot = qa::jackson_network_visits({{1, 0.1}, {1, 1.0}}, 1.5, {1, 1});
    CHECK_FALSE(hot.stable);
    CHECK(std::isinf(hot.mean_end_to_end));
    CHECK(std::isinf(hot.stations[1].mean_response));
    CHECK(hot.stations[0].mean_response == Approx(1 / (10.0 - 1.5)));
    // Customers trapped between 0 and 1 forever: traffic equations have no solution.
    const qa::JacksonResult trap =
        qa::jackson_network({{1, 0.1}, {1, 0.1}}, {1.0, 0.0}, {{0.0, 1.0}, {1.0, 0.0}});
    CHECK(std::isnan(trap.mean_end_to_end));
    const qa::JacksonResult bad_row = qa::jackson_network({{1, 0.1}}, {1.0}, {{1.5}});
    CHECK(std::isnan(bad_row.mean_end_to_end));
    const qa::JacksonResult bad_size = qa::jackson_network({{1, 0.1}}, {1.0, 1.0}, {{0.0}});
    CHECK(std::isnan(bad_size.mean_end_to_end));
  }
}

TEST_CASE("Exact MVA", "[queueing][mva]") {
  const std::vector<qa::MvaStation> st = {{0.05, false}, {0.2, false}, {0.1, false}, {0.5, true}};
  const double z = 2.0;
  double d = 0, dmax = 0;
  for (const auto& s : st) {
    d += s.demand;
    if (!s.delay) dmax = std::max(dmax, s.demand);
  }

  SECTION("one customer sees no contention") {
    const qa::MvaResult r = qa::mva_exact(st, 1, z);
    CHECK(r.response_time == Approx(d));
    CHECK(r.throughput == Approx(1 / (z + d)));
    for (std::size_t i = 0; i < st.size(); ++i) {
      CHECK(r.residence_time[i] == Approx(st[i].demand));
    }
  }
  SECTION("throughput respects the asymptotic bounds and saturates at 1/Dmax") {
    double previous = 0;
    for (int n = 1; n <= 400; ++n) {
      CAPTURE(n);
      const qa::MvaResult r = qa::mva_exact(st, n, z);
      CHECK(r.throughput <= std::min(n / (z + d), 1 / dmax) * (1 + 1e-12));
      CHECK(r.throughput >= previous * (1 - 1e-12));  // non-decreasing up to rounding
      previous = r.throughput;
      // Little over the whole cycle: customers thinking plus customers at stations = N.
      double q = 0;
      for (double qi : r.queue_length) q += qi;
      CHECK(q + r.throughput * z == Approx(n));
      CHECK(r.response_time == Approx(n / r.throughput - z));  // response time law
    }
    CHECK(qa::mva_exact(st, 400, z).throughput == Approx(1 / dmax).epsilon(1e-9));
  }
  SECTION("two queues without think time match the product-form solution") {
    // P(n1 = k) proportional to D1^k D2^(N-k); X = U1 / D1 = (1 - P(n1 = 0)) / D1.
    const double d1 = 0.3, d2 = 0.2;
    for (int n : {1, 2, 5, 12}) {
      double norm = 0;
      for (int k = 0; k <= n; ++k) norm += std::pow(d1, k) * std::pow(d2, n - k);
      const double x = (1 - std::pow(d2, n) / norm) / d1;
      double q1 = 0;
      for (int k = 0; k <= n; ++k) q1 += k * std::pow(d1, k) * std::pow(d2, n - k) / norm;
      const qa::MvaResult r = qa::mva_exact({{d1, false}, {d2, false}}, n, 0.0);
      CHECK(r.throughput == Approx(x));
      CHECK(r.queue_length[0] == Approx(q1));
      CHECK(r.queue_length[1] == Approx(n - q1));
    }
  }
  SECTION("pure delay and edge cases") {
    const qa::MvaResult r = qa::mva_exact({{0.5, true}}, 10, 1.5);
    CHECK(r.throughput == Approx(10 / 2.0));
    const qa::MvaResult empty = qa::mva_exact(st, 0, z);
    CHECK(empty.throughput == 0.0);
    CHECK(empty.response_time == Approx(d));
    CHECK(std::isnan(qa::mva_exact({{0.0, false}}, 3, 0.0).throughput));
    CHECK(std::isnan(qa::mva_exact(st, -1, z).throughput));
  }
}

TEST_CASE("Student t critical values and confidence half-widths", "[queueing][stats]") {
  CHECK(qa::student_t_95(1) == Approx(12.706).margin(5e-4));
  CHECK(qa::student_t_95(10) == Approx(2.228).margin(5e-4));
  CHECK(qa::student_t_95(100000) == Approx(1.960).margin(5e-4));
  CHECK(qa::student_t_95(1000000000) == Approx(1.959964).margin(1e-6));
  // Decreasing in df, with no jump where the table hands over to the expansion.
  for (int df = 1; df < 500; ++df) {
    CAPTURE(df);
    CHECK(qa::student_t_95(df + 1) < qa::student_t_95(df));
  }
  CHECK(qa::student_t_95(30) - qa::student_t_95(31) < qa::student_t_95(29) - qa::student_t_95(30));
  CHECK(std::isnan(qa::student_t_95(0)));

  // {1..5}: mean 3, s^2 = 10/4, so the half-width is t_4 sqrt(2.5 / 5).
  CHECK(qa::confidence_half_width({1, 2, 3, 4, 5}) == Approx(qa::student_t_95(4) * std::sqrt(0.5)));
  // A large common offset must not cost precision (two-pass variance).
  CHECK(qa::confidence_half_width({1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5}) ==
        Approx(qa::student_t_95(4) * std::sqrt(0.5)));
  CHECK(qa::confidence_half_width({7, 7, 7}) == 0.0);
  CHECK(std::isnan(qa::confidence_half_width({1.0})));
  CHECK(std::isnan(qa::confidence_half_width({})));
}
