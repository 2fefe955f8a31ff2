#include "core/queueing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

namespace capsim::core {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool is_rate(double x) {
  return std::isfinite(x) && x >= 0;
}
bool is_positive(double x) {
  return std::isfinite(x) && x > 0;
}

MMcMetrics nan_mmc() {
  return {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
}

// (1 - e^{-x}) / x for x >= 0, continuous at 0. expm1 keeps it exact when x is tiny, which is the
// case c mu - lambda ~ mu below where the textbook formula divides 0 by 0.
double one_minus_exp_over_x(double x) {
  return x == 0 ? 1.0 : -std::expm1(-x) / x;
}

// P(E_a + E_b > t) for independent exponentials with rates a and b (the hypoexponential tail,
// the convolution of two exponential densities). The textbook form
// (b e^{-at} - a e^{-bt}) / (b - a) cancels catastrophically as a -> b and is 0/0 at a == b;
// rewritten around the slower rate it is e^{-at} [1 + a t (1 - e^{-(b-a)t}) / ((b-a)t)] with
// a <= b, which has no cancellation, no overflow, and reduces to the Erlang-2 tail e^{-at}(1+at).
double hypoexponential_tail(double a, double b, double t) {
  const double lo = std::min(a, b);
  const double hi = std::max(a, b);
  return std::exp(-lo * t) * (1.0 + lo * t * one_minus_exp_over_x((hi - lo) * t));
}

bool mmc_valid(double arrival_rate, double service_rate, int servers) {
  return is_rate(arrival_rate) && is_positive(service_rate) && servers >= 1;
}

bool mmc_stable(double arrival_rate, double service_rate, int servers) {
  return arrival_rate < servers * service_rate;
}

}  // namespace

// --- Erlang formulas --------------------------------------------------------------------------

double erlang_b(int servers, double offered_load) {
  if (servers < 0 || !is_rate(offered_load)) return kNaN;
  // The recurrence B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1 (Kleinrock vol. 1 §3.7, M/M/m/m;
  // Jagerman 1974) never forms a^c or c!, so unlike the closed form it neither overflows nor loses
  // precision, and every step is a ratio of positive terms.
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = offered_load * b / (k + offered_load * b);
  return b;
}

double erlang_c(int servers, double offered_load) {
  if (servers < 1 || !is_rate(offered_load)) return kNaN;
  if (offered_load >= servers) return 1.0;
  // C = c B / (c - a (1 - B)) (Kleinrock vol. 1 §3.5, Erlang C in terms of Erlang B) inherits the
  // stability of the B recurrence; the denominator is > 0 because a < c.
  const double b = erlang_b(servers, offered_load);
  return servers * b / (servers - offered_load * (1.0 - b));
}

// --- M/M/c ------------------------------------------------------------------------------------

MMcMetrics mmc_metrics(double arrival_rate, double service_rate, int servers) {
  if (!mmc_valid(arrival_rate, service_rate, servers)) return nan_mmc();
  MMcMetrics m;
  const double a = arrival_rate / service_rate;
  m.utilisation = a / servers;
  m.prob_wait = erlang_c(servers, a);
  if (!mmc_stable(arrival_rate, service_rate, servers)) {
    m.mean_wait = m.mean_response = m.mean_in_queue = m.mean_in_system = kInf;
    return m;
  }
  // Wq = C / (c mu - lambda) (Kleinrock vol. 1 §3.5); the rest follow by Little's law.
  m.mean_wait = m.prob_wait / (servers * service_rate - arrival_rate);
  m.mean_response = m.mean_wait + 1.0 / service_rate;
  m.mean_in_queue = arrival_rate * m.mean_wait;
  m.mean_in_system = arrival_rate * m.mean_response;
  return m;
}

double mmc_response_tail(double arrival_rate, double service_rate, int servers, double t) {
  if (!mmc_valid(arrival_rate, service_rate, servers) || std::isnan(t)) return kNaN;
  if (!mmc_stable(arrival_rate, service_rate, servers)) return kNaN;
  if (t <= 0) return 1.0;
  // FCFS M/M/c sojourn time T = Wq + S (Harchol-Balter ch. 14; Gross & Harris ch. 2): with
  // probability 1 - C the customer starts at once and T = S ~ Exp(mu); with probability C it waits
  // Exp(c mu - lambda) first (memoryless departures at rate c mu while all servers are busy), then
  // S. The c mu - lambda == mu case is the Erlang-2 limit, handled inside hypoexponential_tail.
  const double c = erlang_c(servers, arrival_rate / service_rate);
  const double drain = servers * service_rate - arrival_rate;
  return (1.0 - c) * std::exp(-service_rate * t) + c * hypoexponential_tail(drain, service_rate, t);
}

double mmc_response_cdf(double arrival_rate, double service_rate, int servers, double t) {
  return 1.0 - mmc_response_tail(arrival_rate, service_rate, servers, t);
}

double mmc_response_quantile(double arrival_rate, double service_rate, int servers, double p) {
  if (!mmc_valid(arrival_rate, service_rate, servers) || std::isnan(p) || p < 0) return kNaN;
  if (!mmc_stable(arrival_rate, service_rate, servers) || p >= 1) return kInf;
  if (p == 0) return 0.0;
  // No closed form inverts the mixture, but the tail is continuous and strictly decreasing, so
  // bisection on it always converges. Comparing tails against 1 - p (rather than CDFs against p)
  // keeps relative precision for p99.9 and beyond, where the CDF is 1 - tiny.
  const double target = 1.0 - p;
  auto tail = [&](double t) { return mmc_response_tail(arrival_rate, service_rate, servers, t); };
  double lo = 0.0;
  double hi = mmc_metrics(arrival_rate, service_rate, servers).mean_response;
  while (tail(hi) > target) {
    lo = hi;
    hi *= 2.0;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double mm1_response_quantile(double arrival_rate, double service_rate, double p) {
  if (!mmc_valid(arrival_rate, service_rate, 1) || std::isnan(p) || p < 0) return kNaN;
  if (!mmc_stable(arrival_rate, service_rate, 1) || p >= 1) return kInf;
  // M/M/1 FCFS sojourn time is Exp(mu - lambda) (Kleinrock vol. 1 §3.2), so the quantile is
  // -ln(1 - p) / (mu - lambda); log1p keeps small p exact.
  return -std::log1p(-p) / (service_rate - arrival_rate);
}

// --- M/M/c/K ----------------------------------------------------------------------------------

MMcKMetrics mmck_metrics(double arrival_rate, double service_rate, int servers, int capacity) {
  if (!mmc_valid(arrival_rate, service_rate, servers) || capacity < servers) {
    return {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  }
  MMcKMetrics m;
  if (arrival_rate == 0) return m;
  // Birth-death stationary distribution (Gross & Harris ch. 2, M/M/c/K): p_n proportional to
  // a^n / n! for n <= c and a^c / c! rho^{n-c} above. The unnormalised terms overflow for large a
  // and c, so they are built as logs from the ratio p_n / p_{n-1} = a / min(n, c) and rescaled by
  // the largest before exponentiating.
  const double log_a = std::log(arrival_rate / service_rate);
  std::vector<double> log_w(static_cast<std::size_t>(capacity) + 1, 0.0);
  double log_max = 0.0;
  for (int n = 1; n <= capacity; ++n) {
    log_w[n] = log_w[n - 1] + log_a - std::log(static_cast<double>(std::min(n, servers)));
    log_max = std::max(log_max, log_w[n]);
  }
  double total = 0, in_system = 0, in_queue = 0;
  for (int n = 0; n <= capacity; ++n) {
    const double w = std::exp(log_w[n] - log_max);
    total += w;
    in_system += n * w;
    in_queue += std::max(n - servers, 0) * w;
  }
  // PASTA: an arrival sees the time-stationary distribution, so it is lost with probability p_K.
  m.blocking = std::exp(log_w[capacity] - log_max) / total;
  m.throughput = arrival_rate * (1.0 - m.blocking);
  m.utilisation = m.throughput / (servers * service_rate);
  m.mean_in_system = in_system / total;
  m.mean_in_queue = in_queue / total;
  // Little's law applies to the admitted stream only: lost customers spend no time in the system.
  m.mean_response = m.mean_in_system / m.throughput;
  m.mean_wait = m.mean_in_queue / m.throughput;
  return m;
}

// --- M/G/1 ------------------------------------------------------------------------------------

double mg1_mean_wait(double arrival_rate, double mean_service, double service_scv) {
  if (!is_rate(arrival_rate) || !is_positive(mean_service) || !is_rate(service_scv)) return kNaN;
  const double rho = arrival_rate * mean_service;
  if (rho >= 1) return kInf;
  // Pollaczek-Khinchine mean-value formula (Kleinrock vol. 1 ch. 5; Harchol-Balter ch. 23):
  // Wq = lambda E[S^2] / (2 (1 - rho)) with E[S^2] = E[S]^2 (1 + SCV).
  return rho * mean_service * (1.0 + service_scv) / (2.0 * (1.0 - rho));
}

double mg1_mean_response(double arrival_rate, double mean_service, double service_scv) {
  return mg1_mean_wait(arrival_rate, mean_service, service_scv) + mean_service;
}

double md1_mean_wait(double arrival_rate, double service_time) {
  return mg1_mean_wait(arrival_rate, service_time, 0.0);
}

double mg1_ps_mean_response(double arrival_rate, double mean_service) {
  if (!is_rate(arrival_rate) || !is_positive(mean_service)) return kNaN;
  const double rho = arrival_rate * mean_service;
  if (rho >= 1) return kInf;
  // M/G/1-PS is insensitive: E[T] = E[S] / (1 - rho) as for M/M/1 (Harchol-Balter ch. 22, BCMP).
  return mean_service / (1.0 - rho);
}

// --- Open Jackson networks --------------------------------------------------------------------

namespace {

JacksonResult nan_jackson(std::size_t n) {
  JacksonResult r;
  r.stations.assign(n, {kNaN, kNaN, kNaN, kNaN});
  r.external_rate = kNaN;
  r.mean_end_to_end = kNaN;
  return r;
}

// Solves A x = b in place by Gaussian elimination with partial pivoting; false if A is singular.
// Networks here have tens of stations, so O(n^3) is immaterial.
bool solve_linear(std::vector<std::vector<double>> a, std::vector<double>& b) {
  const std::size_t n = b.size();
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t row = col + 1; row < n; ++row) {
      if (std::abs(a[row][col]) > std::abs(a[pivot][col])) pivot = row;
    }
    if (std::abs(a[pivot][col]) < 1e-12) return false;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (std::size_t row = col + 1; row < n; ++row) {
      const double f = a[row][col] / a[col][col];
      for (std::size_t k = col; k < n; ++k) a[row][k] -= f * a[col][k];
      b[row] -= f * b[col];
    }
  }
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t k = i + 1; k < n; ++k) b[i] -= a[i][k] * b[k];
    b[i] /= a[i][i];
  }
  return true;
}

}  // namespace

JacksonResult jackson_network_visits(const std::vector<JacksonStation>& stations,
                                     double external_rate,
                                     const std::vector<double>& visit_ratios) {
  const std::size_t n = stations.size();
  if (visit_ratios.size() != n || !is_rate(external_rate)) return nan_jackson(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (stations[i].servers < 1 || !is_positive(stations[i].mean_service) ||
        !is_rate(visit_ratios[i])) {
      return nan_jackson(n);
    }
  }
  // Jackson's theorem (Kleinrock vol. 1 §4.8; Harchol-Balter ch. 17): with Poisson arrivals and
  // exponential service the stationary distribution is a product of independent M/M/c marginals,
  // each driven at its traffic-equation rate, so each station is analysed alone and the
  // end-to-end time is the visit-weighted sum of per-visit response times (Little).
  JacksonResult r;
  r.external_rate = external_rate;
  r.stable = true;
  r.stations.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    JacksonStationResult& s = r.stations[i];
    s.visit_ratio = visit_ratios[i];
    s.arrival_rate = external_rate * visit_ratios[i];
    const double mu = 1.0 / stations[i].mean_service;
    const MMcMetrics m = mmc_metrics(s.arrival_rate, mu, stations[i].servers);
    s.utilisation = m.utilisation;
    s.mean_response = m.mean_response;
    if (s.utilisation >= 1) r.stable = false;
    // A station nobody visits adds nothing, even if we would call it unstable.
    if (s.visit_ratio > 0) r.mean_end_to_end += s.visit_ratio * s.mean_response;
  }
  if (!r.stable) r.mean_end_to_end = kInf;
  return r;
}

JacksonResult jackson_network(const std::vector<JacksonStation>& stations,
                              const std::vector<double>& external_arrival_rate,
                              const std::vector<std::vector<double>>& routing) {
  const std::size_t n = stations.size();
  if (external_arrival_rate.size() != n || routing.size() != n) return nan_jackson(n);
  double gamma = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_rate(external_arrival_rate[i]) || routing[i].size() != n) return nan_jackson(n);
    gamma += external_arrival_rate[i];
    double row = 0;
    for (double p : routing[i]) {
      if (!is_rate(p)) return nan_jackson(n);
      row += p;
    }
    if (row > 1.0 + 1e-9) return nan_jackson(n);
  }
  if (gamma <= 0) return nan_jackson(n);
  // Traffic equations lambda_j = gamma_j + sum_i lambda_i P_ij, i.e. (I - P^T) lambda = gamma
  // (Kleinrock vol. 1 §4.8). Singular exactly when some set of stations traps customers forever.
  std::vector<std::vector<double>> a(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) a[i][j] = (i == j ? 1.0 : 0.0) - routing[j][i];
  }
  std::vector<double> lambda = external_arrival_rate;
  if (!solve_linear(a, lambda)) return nan_jackson(n);
  std::vector<double> visits(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (lambda[i] < -1e-9 * gamma) return nan_jackson(n);
    visits[i] = std::max(lambda[i], 0.0) / gamma;
  }
  return jackson_network_visits(stations, gamma, visits);
}

// --- Exact MVA --------------------------------------------------------------------------------

MvaResult mva_exact(const std::vector<MvaStation>& stations, int customers, double think_time) {
  const std::size_t k = stations.size();
  double total_demand = 0;
  bool valid = customers >= 0 && is_rate(think_time);
  for (const MvaStation& s : stations) {
    valid = valid && is_rate(s.demand);
    total_demand += s.demand;
  }
  if (!valid || !(think_time + total_demand > 0)) {
    return {kNaN, kNaN, std::vector<double>(k, kNaN), std::vector<double>(k, kNaN)};
  }
  MvaResult r;
  r.queue_length.assign(k, 0.0);
  r.residence_time.resize(k);
  for (std::size_t i = 0; i < k; ++i) r.residence_time[i] = stations[i].demand;
  r.response_time = total_demand;
  // Reiser-Lavenberg exact MVA (Lazowska et al., "Quantitative System Performance" ch. 6): by the
  // arrival theorem a customer arriving at a queueing station sees the time-average queue of the
  // network with one customer fewer, so R_i(n) = D_i (1 + Q_i(n-1)); a delay station has no queue,
  // R_i = D_i. Then X(n) = n / (Z + sum R_i) (interactive response time law) and
  // Q_i(n) = X(n) R_i(n) (Little).
  for (int n = 1; n <= customers; ++n) {
    double response = 0;
    for (std::size_t i = 0; i < k; ++i) {
      r.residence_time[i] =
          stations[i].demand * (stations[i].delay ? 1.0 : 1.0 + r.queue_length[i]);
      response += r.residence_time[i];
    }
    r.response_time = response;
    r.throughput = n / (think_time + response);
    for (std::size_t i = 0; i < k; ++i) r.queue_length[i] = r.throughput * r.residence_time[i];
  }
  return r;
}

}  // namespace capsim::core
