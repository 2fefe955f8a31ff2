// capsim report: the SVG chart builder, the page of each kind of bundled run (tests/fixtures/runs/:
// a real simulate and drill run, a handmade plan) checked against the run's own files, the error
// lines of broken run directories, simulate --report, and the page in headless Chromium.
#include <fmt/format.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "output/svg_chart.hpp"
#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::testing::read_timeseries;
using capsim::testing::Run;
using capsim::testing::run_capsim;
using capsim::testing::slurp;
using Json = nlohmann::json;
namespace svg = capsim::output::svg;

namespace {

const fs::path kRuns = fs::path(CAPSIM_TEST_DIR) / "fixtures" / "runs";

// A fresh scratch directory for one test, in the build tree (left there to look at).
fs::path scratch(const std::string& name) {
  fs::path dir = fs::path(CAPSIM_BINARY).parent_path() / "tests" / "report-scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Json read_json(const fs::path& p) {
  return Json::parse(slurp(p));
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// `capsim report DIR -o OUT` and the page it wrote.
std::string report_of(const fs::path& run, const fs::path& out) {
  Run r = run_capsim("report '" + run.string() + "' -o '" + out.string() + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  REQUIRE(r.out == out.string() + "\n");
  return slurp(out);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The <svg> chart of the page whose title is `title`.
std::string chart(const std::string& html, const std::string& title) {
  auto at = html.find("<title>" + title + "</title>");
  REQUIRE(at != std::string::npos);
  auto begin = html.rfind("<svg class=\"chart\"", at);
  auto end = html.find("</svg>", at);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return html.substr(begin, end - begin);
}

struct Point {
  double x, y;
};

// Each line series of a chart: data-series name -> its points in pixels.
std::map<std::string, std::vector<Point>> polylines(const std::string& svg_text) {
  std::map<std::string, std::vector<Point>> out;
  static const std::regex line(R"re(<polyline data-series="([^"]*)" points="([^"]*)")re");
  for (std::sregex_iterator it(svg_text.begin(), svg_text.end(), line), end; it != end; ++it) {
    std::stringstream points((*it)[2].str());
    std::vector<Point> pts;
    std::string pair;
    while (points >> pair) {
      auto comma = pair.find(',');
      pts.push_back({std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1))});
    }
    out[(*it)[1].str()] = pts;
  }
  return out;
}

struct Bar {
  std::string series, category;
  double value, height;
};

std::vector<Bar> bars(const std::string& svg_text) {
  std::vector<Bar> out;
  static const std::regex rect(
      R"re(<rect data-series="([^"]*)" data-category="([^"]*)" data-value="([^"]*)" x="[^"]*" y="[^"]*" width="[^"]*" height="([^"]*)")re");
  for (std::sregex_iterator it(svg_text.begin(), svg_text.end(), rect), end; it != end; ++it)
    out.push_back(
        {(*it)[1].str(), (*it)[2].str(), std::stod((*it)[3].str()), std::stod((*it)[4].str())});
  return out;
}

// data-marker kind -> data-x of a chart's vertical markers.
std::map<std::string, double> markers(const std::string& svg_text) {
  std::map<std::string, double> out;
  static const std::regex marker(R"re(<line data-marker="([^"]*)" data-x="([^"]*)")re");
  for (std::sregex_iterator it(svg_text.begin(), svg_text.end(), marker), end; it != end; ++it)
    out[(*it)[1].str()] = std::stod((*it)[2].str());
  return out;
}

std::size_t samples(const std::vector<capsim::testing::TimePoint>& ts, const std::string& component,
                    const std::string& metric) {
  std::size_t n = 0;
  for (const auto& t : ts) n += t.component == component && t.metric == metric;
  return n;
}

// Nothing in the page fetches anything: no script, stylesheet, image, frame or font reference.
void check_self_contained(const std::string& html) {
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
}

}  // namespace

TEST_CASE("report: the chart builder puts data points at their pixels, with round ticks",
          "[report]") {
  CHECK(svg::nice_ticks(0, 87) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(svg::nice_ticks(0, 4) == std::vector<double>{0, 1, 2, 3, 4});
  CHECK(svg::nice_ticks(0, 0.27) == std::vector<double>{0, 0.1, 0.2, 0.3});
  CHECK(svg::nice_ticks(-3, 12) == std::vector<double>{-5, 0, 5, 10, 15});
  CHECK(svg::tick_label(0.1 + 0.2, 0.1) == "0.3");
  CHECK(svg::tick_label(1500, 500) == "1500");
  CHECK(svg::escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");

  // The plot area is x 64..620, y 42..262; x from 0, y from 0 to the top tick (100 here).
  svg::LineChart line{"t", "x", "y", {{"a<b", {0, 5, 10}, {0, 50, 100}, false}}, {}, {}, false};
  line.markers.push_back({5, "fault", "fault"});
  line.threshold = svg::Threshold{70, "headroom"};
  std::string text = svg::line_chart(line);
  CHECK(
      text.find("<polyline data-series=\"a&lt;b\" points=\"64.0,262.0 342.0,152.0 620.0,42.0\"") !=
      std::string::npos);
  CHECK(text.find("data-marker=\"fault\" data-x=\"5\" x1=\"342.0\" x2=\"342.0\"") !=
        std::string::npos);
  CHECK(text.find("data-threshold=\"70\"") != std::string::npos);
  CHECK(text.find("y1=\"108.0\"") != std::string::npos);  // 70 of 100: 262 - 0.7 x 220

  // Stacked: each bar's height is its value's share of the axis (0..4 here, 55 px a unit).
  svg::BarChart stacked{"cost", "usd", {"jan", "feb"}, {{"a", {}, {1, 2}}, {"b", {}, {3, 0}}}, {}};
  auto drawn = bars(svg::bar_chart(stacked));
  REQUIRE(drawn.size() == 4);
  CHECK(drawn[0].series == "a");
  CHECK(drawn[0].category == "jan");
  CHECK(drawn[0].height == Approx(55.0));
  CHECK(drawn[1].height == Approx(110.0));
  CHECK(drawn[2].height == Approx(165.0));
  CHECK(drawn[3].height == Approx(0.0));
}

TEST_CASE("report: a simulate run's page draws every chart from the run's own figures",
          "[report]") {
  fs::path out = scratch("simulate") / "report.html";
  std::string html = report_of(kRuns / "simulate", out);
  Json summary = read_json(kRuns / "simulate" / "summary.json");
  auto ts = read_timeseries(kRuns / "simulate" / "timeseries.csv");
  check_self_contained(html);
  CHECK(count(html, "<svg class=\"chart\"") == 7);

  // One line per class, one point per sample (60 s at 2 s).
  for (const char* title : {"p95 latency over time per request class",
                            "Throughput over time (completed requests)", "Errors over time"}) {
    auto lines = polylines(chart(html, title));
    INFO(title);
    REQUIRE(lines.size() == summary["classes"].size());
    for (const auto& c : summary["classes"]) {
      std::string name = c["name"];
      REQUIRE(lines.count(name) == 1);
      CHECK(lines[name].size() == samples(ts, name, "p95"));
      CHECK(lines[name].size() == 30);
    }
  }
  // The class table shows the summary's p95 with its confidence interval.
  for (const auto& c : summary["classes"]) {
    const Json& p95 = c["latency_s"]["p95"];
    CHECK(html.find(fmt::format("<td class=\"num\">{:.1f} ±{:.1f}</td>",
                                p95["mean"].get<double>() * 1e3,
                                p95["ci95"].get<double>() * 1e3)) != std::string::npos);
  }

  // A bar per component at its utilisation, against the SLO's 70% headroom.
  std::string utilisation = chart(html, "Utilisation per tier");
  auto drawn = bars(utilisation);
  REQUIRE(drawn.size() == summary["components"].size());
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const Json& c = summary["components"][i];
    CHECK(drawn[i].category == c["name"].get<std::string>());
    CHECK(drawn[i].value == Approx(c["utilisation"]["mean"].get<double>() * 100));
  }
  CHECK(utilisation.find("data-threshold=\"70\"") != std::string::npos);
  CHECK(utilisation.find("headroom 70% (SLO)") != std::string::npos);

  auto queues = polylines(chart(html, "Queue depths over time"));
  const std::pair<const char*, const char*> queue_metrics[] = {{"api", "queue"},
                                                               {"bouncer", "clients_waiting"},
                                                               {"cache", "queue"},
                                                               {"jobs", "waiting_jobs"}};
  CHECK(queues.size() == std::size(queue_metrics));
  for (const auto& [component, metric] : queue_metrics)
    CHECK(queues[std::string(component) + " " + metric].size() == samples(ts, component, metric));
  auto replicas = polylines(chart(html, "Replicas under autoscaling"));
  CHECK(replicas["api replicas"].size() == samples(ts, "api", "replicas"));
  CHECK(replicas["api desired"].size() == samples(ts, "api", "desired_replicas"));

  // The distribution counts every completed request of every replication.
  auto cdf = polylines(chart(html, "Latency distribution (cumulative)"));
  for (const auto& c : summary["classes"]) {
    std::string name = c["name"];
    CHECK(cdf[name].size() > 100);
    CHECK(cdf[name].back().y == Approx(42.0));  // 100% at the top of the plot
    CHECK(html.find(fmt::format("<td>{}</td><td class=\"num\">{}</td>", name,
                                c["completed"].get<long>())) != std::string::npos);
  }
  CHECK(html.find("<span class=\"fail\">MISSED</span>") != std::string::npos);
}

TEST_CASE("report: a drill run's timeline marks the fault, its detection and the recovery",
          "[report]") {
  fs::path out = scratch("drill") / "report.html";
  std::string html = report_of(kRuns / "drill", out);
  Json timeline = read_json(kRuns / "drill" / "timeline.json");
  check_self_contained(html);

  std::string rate = chart(html, "Error rate over time, with the drill&#39;s events");
  auto marked = markers(rate);
  CHECK(marked["fault"] == Approx(timeline["fault_at_s"].get<double>()));
  CHECK(marked["recovery"] == Approx(timeline["recovered_at_s"].get<double>()));
  double detected = -1;
  for (const auto& e : timeline["events"])
    if (e["event"] == "detected" && detected < 0) detected = e["time_s"];
  REQUIRE(detected > timeline["fault_at_s"].get<double>());
  CHECK(marked["detection"] == Approx(detected));
  // The same lines on the p95 chart.
  CHECK(markers(chart(html, "p95 latency over time per request class")) == marked);

  // Messages (writes) all fail while the primary is down: 100% is the top of the plot; the reads
  // never fail: 0% is its bottom.
  auto lines = polylines(rate);
  REQUIRE(lines.count("message") == 1);
  bool all_failed = false;
  for (const auto& p : lines["message"]) all_failed |= p.y == 42.0;
  CHECK(all_failed);
  for (const auto& p : lines["profile"]) CHECK(p.y == 262.0);

  for (const auto& e : timeline["events"])
    CHECK(html.find("<td>" + svg::escape(e["detail"].get<std::string>()) + "</td>") !=
          std::string::npos);
  std::size_t phase_rows = 0;
  for (const auto& p : timeline["phases"]) phase_rows += p["classes"].size();
  CHECK(phase_rows == 9);
  CHECK(count(html, "<td class=\"num\">0–30 s</td>") == 3);  // before: one row per class
  CHECK(html.find(std::string("Verdict: <span class=\"fail\">FAIL</span>")) != std::string::npos);
}

TEST_CASE("report: a plan run stacks each month's cost by component and lists the changes",
          "[report]") {
  fs::path dir = scratch("plan");
  std::string html = report_of(kRuns / "plan", dir / "report.html");
  Json plan = read_json(kRuns / "plan" / "plan.json");
  check_self_contained(html);
  auto drawn = bars(chart(html, "Cost per month by component"));
  CHECK(drawn.size() == plan["periods"].size() * 7);  // 7 components
  for (const auto& p : plan["periods"]) {
    double sum = 0;
    for (const auto& b : drawn)
      if (b.category == p["period"].get<std::string>()) sum += b.value;
    CHECK(sum == Approx(p["monthly_usd"].get<double>()).margin(0.01));
    for (const auto& change : p["changes"])
      CHECK(html.find(svg::escape(change.get<std::string>())) != std::string::npos);
  }
  // The first period's total as the table prints it: dollars with a thousands comma ($1,344).
  long first = std::lround(plan["periods"][0]["monthly_usd"].get<double>());
  REQUIRE(first >= 1000);
  std::string money = fmt::format("${},{:03d}", first / 1000, first % 1000);
  CHECK(html.find("<td class=\"num\">" + money + "</td>") != std::string::npos);

  // Without costs.csv, the monthly totals of plan.json.
  fs::path partial = dir / "partial";
  fs::create_directories(partial);
  fs::copy_file(kRuns / "plan" / "run.json", partial / "run.json");
  fs::copy_file(kRuns / "plan" / "plan.json", partial / "plan.json");
  auto totals =
      bars(chart(report_of(partial, dir / "partial.html"), "Cost per month by component"));
  REQUIRE(totals.size() == plan["periods"].size());
  CHECK(totals[0].series == "total");
  CHECK(totals[0].value == Approx(plan["periods"][0]["monthly_usd"].get<double>()));
}

TEST_CASE("report: a missing or broken run directory is one line naming the file, exit 2",
          "[report]") {
  fs::path dir = scratch("broken");
  auto copy_run = [&](const std::string& kind, const std::string& name) {
    fs::path to = dir / name;
    fs::copy(kRuns / kind, to);
    return to;
  };
  struct Case {
    std::string run_dir, err;
  };
  std::vector<Case> cases{
      {"no/such/dir",
       "no/such/dir: /: no such directory (expected a run directory: the DIR that capsim "
       "simulate, drill or plan wrote with --out DIR)\n"},
      {"tests/fixtures/bad",
       "tests/fixtures/bad/run.json: /: no such file (expected the run.json that capsim writes "
       "into its --out DIR; is tests/fixtures/bad the directory given to --out?)\n"}};

  fs::path malformed = copy_run("simulate", "malformed");
  write(malformed / "summary.json", "{\"classes\": [");
  cases.push_back({malformed.string(), malformed.string() + "/summary.json: /: malformed JSON: "});

  fs::path no_p95 = copy_run("simulate", "no-p95");
  Json summary = read_json(no_p95 / "summary.json");
  summary["classes"][1]["latency_s"].erase("p95");
  write(no_p95 / "summary.json", summary.dump());
  cases.push_back({no_p95.string(), no_p95.string() +
                                        "/summary.json: /classes/1/latency_s/p95/mean: missing "
                                        "(expected a number)\n"});

  fs::path bad_value = copy_run("simulate", "bad-value");
  std::string csv = slurp(bad_value / "timeseries.csv");
  std::size_t line4 = 0;
  for (int i = 0; i < 4; ++i) line4 = csv.find('\n', line4) + 1;  // the start of line 5
  csv.replace(csv.find('\n', line4) - 1, 1, "abc");               // its value
  write(bad_value / "timeseries.csv", csv);
  cases.push_back({bad_value.string(), bad_value.string() + "/timeseries.csv: /: line 5: \""});

  fs::path unknown = copy_run("plan", "unknown-command");
  Json run = read_json(unknown / "run.json");
  run["command"] = "compare";
  write(unknown / "run.json", run.dump());
  cases.push_back({unknown.string(), unknown.string() +
                                         "/run.json: /command: \"compare\" is not a run capsim "
                                         "report draws (expected \"simulate\", \"drill\" or "
                                         "\"plan\")\n"});

  fs::path no_timeline = copy_run("drill", "no-timeline");
  fs::remove(no_timeline / "timeline.json");
  cases.push_back({no_timeline.string(), no_timeline.string() +
                                             "/timeline.json: /: no such file (expected the "
                                             "timeline.json that capsim drill --out DIR writes"});

  for (const auto& c : cases) {
    Run r = run_capsim("report '" + c.run_dir + "'");
    INFO(c.run_dir << "\n" << r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(count(r.err, "\n") == 1);
    CHECK(r.err.rfind(c.err, 0) == 0);
    CHECK(!fs::exists(fs::path(c.run_dir) / "report.html"));
  }
}

TEST_CASE("report: simulate --report writes report.html beside the run's files", "[report]") {
  fs::path dir = scratch("simulate-report") / "run";
  Run r = run_capsim(
      "simulate topologies/voiceassist.json --rps 50 --duration 20s --warmup 5s "
      "--replications 1 --sample-interval 5s --quiet --out '" +
      dir.string() + "' --report");
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::string html = slurp(dir / "report.html");
  check_self_contained(html);
  CHECK(count(html, "<svg class=\"chart\"") >= 6);
  auto lines = polylines(chart(html, "p95 latency over time per request class"));
  CHECK(lines["profile"].size() == 4);  // 20 s at 5 s

  Run without_out = run_capsim("simulate topologies/voiceassist.json --rps 50 --report");
  CHECK(without_out.status == 2);
  CHECK(without_out.err ==
        "capsim: --report: the report is written into the run directory (expected --out DIR "
        "too)\n");
}

namespace {

// The requests of a page in Chromium's network log: URL requests that carry an initiator other
// than Chromium itself ("not an origin"), and that are not file:// reads.
std::vector<std::string> page_requests(const Json& log) {
  int start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"];
  std::vector<std::string> urls;
  for (const auto& e : log["events"]) {
    if (e["type"] != start_job || !e.contains("params")) continue;
    const Json& p = e["params"];
    std::string url = p.value("url", ""), initiator = p.value("initiator", "");
    if (url.empty() || url.rfind("file:", 0) == 0 || initiator == "not an origin") continue;
    urls.push_back(url);
  }
  return urls;
}

// tests/report-in-chromium.sh: the page's DOM, network log and screenshot into `out`.
int in_chromium(const fs::path& page, const fs::path& out) {
  std::string cmd = "cd '" CAPSIM_SOURCE_DIR "' && tests/report-in-chromium.sh '" + page.string() +
                    "' '" + out.string() + "' 1400,1800 </dev/null >/dev/null 2>&1";
  int raw = std::system(cmd.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

}  // namespace

TEST_CASE("report: headless Chromium draws the charts and the page makes no network request",
          "[report][chromium]") {
  fs::path dir = scratch("chromium");
  std::string html = report_of(kRuns / "simulate", dir / "report.html");
  INFO("Chromium's messages: " << (dir / "page" / "chromium.log").string());
  REQUIRE(in_chromium(dir / "report.html", dir / "page") == 0);

  // The document as Chromium built it: every chart, every line with its points, every bar.
  std::string dom = slurp(dir / "page" / "dom.html");
  CHECK(count(dom, "<svg class=\"chart\"") == 7);
  std::size_t lines = 0;
  for (const char* title :
       {"p95 latency over time per request class", "Throughput over time (completed requests)",
        "Errors over time", "Queue depths over time", "Replicas under autoscaling",
        "Latency distribution (cumulative)"})
    for (const auto& [name, points] : polylines(chart(dom, title))) {
      INFO(title << ": " << name);
      CHECK(points.size() >= 30);
      ++lines;
    }
  CHECK(lines == 3 + 3 + 3 + 4 + 3 + 3);
  CHECK(bars(chart(dom, "Utilisation per tier")).size() == 7);

  // The screenshot: a PNG of the window's size, with far more in it than a blank page.
  std::string png = slurp(dir / "page" / "screenshot.png");
  REQUIRE(png.size() > 24);
  CHECK(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = v << 8 | static_cast<unsigned char>(png[at + k]);
    return v;
  };
  CHECK(be32(16) == 1400);
  CHECK(be32(20) == 1800);
  CHECK(png.size() > 60000);

  // No request: the network log of the load holds Chromium's own requests at most.
  Json log = read_json(dir / "page" / "net-log.json");
  CHECK(log["events"].size() > 0);
  CHECK(page_requests(log).empty());

  // The check sees a page's request when there is one.
  write(dir / "control.html",
        "<!DOCTYPE html><html><body><img src=\"http://capsim.invalid/pixel.png\"></body></html>");
  REQUIRE(in_chromium(dir / "control.html", dir / "control") == 0);
  CHECK(page_requests(read_json(dir / "control" / "net-log.json")) ==
        std::vector<std::string>{"http://capsim.invalid/pixel.png"});
}
