// Closed-form queueing results. The simulator is validated against them, and the planner uses
// them to prune candidate configurations before simulating, so they must be cheap and must never
// abort: for an unstable system (offered load >= capacity) they return +inf for means and
// quantiles, and for malformed input (negative rates, fewer than one server, NaN) they return NaN.
//
// Units: rates are per second and times are in seconds, but any consistent time unit works.
// "Offered load" a = lambda / mu is in Erlangs (the mean number of busy servers).
#pragma once

#include <vector>

namespace capsim::core {

// ---------------------------------------------------------------------------------------------
// Erlang formulas
// ---------------------------------------------------------------------------------------------

// Erlang B: probability that an arrival to M/M/c/c (no waiting room) finds every server busy.
// Preconditions: servers >= 0, offered_load >= 0 (Erlangs). Stable for servers up to 10^5 and
// beyond. servers == 0 gives 1.
double erlang_b(int servers, double offered_load);

// Erlang C: probability that an arrival to M/M/c waits (all c servers busy).
// Preconditions: servers >= 1, offered_load >= 0 (Erlangs). offered_load >= servers is unstable
// and returns 1, the limit as the load approaches capacity: every arrival eventually waits.
double erlang_c(int servers, double offered_load);

// ---------------------------------------------------------------------------------------------
// M/M/c (FCFS, infinite waiting room)
// ---------------------------------------------------------------------------------------------

struct MMcMetrics {
  double utilisation = 0;     // rho = lambda / (c mu); reported even when >= 1
  double prob_wait = 0;       // Erlang C
  double mean_wait = 0;       // Wq, seconds in queue before service
  double mean_response = 0;   // W = Wq + 1/mu, seconds in system
  double mean_in_queue = 0;   // Lq, customers waiting
  double mean_in_system = 0;  // L, customers waiting or in service
};

// Preconditions: arrival_rate >= 0, service_rate > 0 (per server), servers >= 1.
// When utilisation >= 1 every mean is +inf and prob_wait is 1.
MMcMetrics mmc_metrics(double arrival_rate, double service_rate, int servers);

// Response-time (sojourn) distribution of an FCFS M/M/c customer: P(T > t) for t >= 0 seconds.
// Returns NaN when unstable or malformed; t < 0 gives 1.
double mmc_response_tail(double arrival_rate, double service_rate, int servers, double t);
// P(T <= t) = 1 - mmc_response_tail(...).
double mmc_response_cdf(double arrival_rate, double service_rate, int servers, double t);
// The p-quantile of T in seconds, p in [0, 1): the t with P(T <= t) = p, to about 1e-12 relative.
// p == 0 gives 0; p >= 1 or an unstable system gives +inf.
double mmc_response_quantile(double arrival_rate, double service_rate, int servers, double p);

// M/M/1 is M/M/c with one server; this is the closed form of its response-time quantile.
// Preconditions as above; p >= 1 or arrival_rate >= service_rate gives +inf.
double mm1_response_quantile(double arrival_rate, double service_rate, double p);

// ---------------------------------------------------------------------------------------------
// M/M/c/K (finite capacity: K customers in the system including those in service)
// ---------------------------------------------------------------------------------------------

struct MMcKMetrics {
  double blocking = 0;        // P(arrival finds K in the system and is lost)
  double throughput = 0;      // admitted rate lambda (1 - blocking), per second
  double utilisation = 0;     // throughput / (c mu): mean fraction of servers busy
  double mean_in_system = 0;  // L
  double mean_in_queue = 0;   // Lq
  double mean_response = 0;   // W of admitted customers, seconds
  double mean_wait = 0;       // Wq of admitted customers, seconds
};

// Preconditions: arrival_rate >= 0, service_rate > 0, 1 <= servers <= capacity. Always stable
// (any load). Cost is O(capacity). arrival_rate == 0 gives zero means.
MMcKMetrics mmck_metrics(double arrival_rate, double service_rate, int servers, int capacity);

// ---------------------------------------------------------------------------------------------
// M/G/1
// ---------------------------------------------------------------------------------------------

// FCFS mean waiting time in queue (seconds). mean_service in seconds; service_scv is the squared
// coefficient of variation Var[S] / E[S]^2 (0 deterministic, 1 exponential).
// Preconditions: arrival_rate >= 0, mean_service > 0, service_scv >= 0. rho >= 1 gives +inf.
double mg1_mean_wait(double arrival_rate, double mean_service, double service_scv);
// FCFS mean response time: mg1_mean_wait + mean_service.
double mg1_mean_response(double arrival_rate, double mean_service, double service_scv);
// M/D/1 mean waiting time (constant service time), i.e. mg1_mean_wait with SCV 0.
double md1_mean_wait(double arrival_rate, double service_time);
// Processor-sharing M/G/1 mean response time; insensitive to the service distribution.
double mg1_ps_mean_response(double arrival_rate, double mean_service);

// ---------------------------------------------------------------------------------------------
// Open Jackson networks (every station M/M/c, Markov routing)
// ---------------------------------------------------------------------------------------------

struct JacksonStation {
  int servers = 1;
  double mean_service = 0;  // seconds per visit, 1 / mu
};

struct JacksonStationResult {
  double arrival_rate = 0;   // total arrivals per second (external plus routed)
  double visit_ratio = 0;    // arrival_rate / total external rate: visits per customer
  double utilisation = 0;    // arrival_rate * mean_service / servers
  double mean_response = 0;  // seconds per visit (M/M/c W), +inf if this station is unstable
};

struct JacksonResult {
  std::vector<JacksonStationResult> stations;
  double external_rate = 0;    // customers entering the network per second
  double mean_end_to_end = 0;  // seconds from entry to exit per customer
  bool stable = false;         // every station has utilisation < 1
};

// external_arrival_rate[i]: customers per second entering at station i.
// routing[i][j]: probability that a customer finishing at i goes next to j; 1 - sum_j routing[i][j]
// is the probability of leaving. Every customer must eventually leave (I - P^T invertible).
// Malformed input (sizes differ, negative entries, row sums > 1, no exit) gives NaN throughout.
JacksonResult jackson_network(const std::vector<JacksonStation>& stations,
                              const std::vector<double>& external_arrival_rate,
                              const std::vector<std::vector<double>>& routing);

// The same with the traffic equations already solved: visit_ratios[i] is the mean number of
// visits a customer makes to station i, external_rate the customers per second entering.
JacksonResult jackson_network_visits(const std::vector<JacksonStation>& stations,
                                     double external_rate, const std::vector<double>& visit_ratios);

// ---------------------------------------------------------------------------------------------
// Closed networks: exact single-class MVA
// ---------------------------------------------------------------------------------------------

struct MvaStation {
  double demand = 0;   // total service demand per interaction D_i = visits * service, seconds
  bool delay = false;  // infinite-server (pure delay) station instead of a single-server queue
};

struct MvaResult {
  double throughput = 0;               // X(N), interactions per second
  double response_time = 0;            // R(N) = sum of residence times, seconds (excludes think)
  std::vector<double> queue_length;    // Q_i(N), mean customers at station i
  std::vector<double> residence_time;  // R_i(N), seconds per interaction at station i
};

// N customers cycling between a think state (mean think_time seconds) and the stations.
// Preconditions: customers >= 0, think_time >= 0, demands >= 0, think_time + sum D > 0.
// customers == 0 gives X = 0, empty queues and R = sum D (the response of a lone customer).
// Cost is O(customers * stations).
MvaResult mva_exact(const std::vector<MvaStation>& stations, int customers, double think_time);

}  // namespace capsim::core
