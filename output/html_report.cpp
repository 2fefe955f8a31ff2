#include "output/html_report.hpp"

#include <filesystem>
#include <fstream>
#include <vector>

#include "output/html_sections.hpp"
#include "output/run_files.hpp"
#include "output/svg_chart.hpp"

namespace capsim::output {
namespace {

namespace fs = std::filesystem;
using svg::escape;

constexpr const char* kStyle =
    R"(body{font-family:sans-serif;margin:24px auto;max-width:1500px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:15px}.meta{color:#555;margin:2px 0}nav a{margin-right:14px}
.panel{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start;margin:14px 0}
figure{margin:0}.side{flex:1 1 420px;min-width:0;max-width:820px;overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin-bottom:12px}
th,td{padding:3px 9px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pass{color:#2a7d2a;font-weight:bold}.fail{color:#c62828;font-weight:bold}
.note{color:#666;font-size:12px}footer{color:#888;font-size:12px;margin-top:40px}
)";

// The sections the run has: the drill's or the plan's first, then the simulation's.
std::vector<Section> sections_of(const RunDir& r) {
  std::vector<Section> sections;
  std::vector<svg::Marker> markers;
  if (r.timeline) {
    sections.push_back(drill_section(*r.timeline, r.timeseries));
    markers = drill_markers(*r.timeline, r.timeseries);
  }
  if (r.run.command == "plan")
    sections.push_back(plan_section(r.plan.value_or(PlanFile()), r.costs));
  if (r.summary) {
    const SummaryFile& s = *r.summary;
    sections.push_back(latency_section(s, r.timeseries, markers));
    sections.push_back(throughput_section(s, r.timeseries, markers));
    sections.push_back(utilisation_section(s));
    if (auto q = queues_section(s, r.timeseries, markers)) sections.push_back(*q);
    if (auto q = replicas_section(r.timeseries, markers)) sections.push_back(*q);
    if (auto d = distribution_section(r.latency)) sections.push_back(*d);
    if (s.slo) sections.push_back(slo_section(*s.slo));
  }
  return sections;
}

// "capsim drill: voiceassist, pg-primary-loss"
std::string title_of(const RunDir& r) {
  // Without summary.json, the name in the topology file's JSON that run.json keeps.
  const nlohmann::json::json_pointer input_name("/topology/name");
  std::string name;
  if (r.summary)
    name = r.summary->topology.name;
  else if (r.run.inputs.contains(input_name) && r.run.inputs.at(input_name).is_string())
    name = r.run.inputs.at(input_name).get<std::string>();
  if (r.timeline && !r.timeline->scenario.empty())
    name += (name.empty() ? "" : ", ") + r.timeline->scenario;
  return "capsim " + r.run.command + (name.empty() ? "" : ": " + name);
}

std::string page(const RunDir& r) {
  std::vector<Section> sections = sections_of(r);
  std::string title = title_of(r);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      escape(title) + "</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>" + escape(title) + "</h1>\n";
  if (r.summary) out += run_meta(*r.summary, r.run);
  out += "<nav>";
  for (const auto& s : sections) out += "<a href=\"#" + s.id + "\">" + escape(s.title) + "</a>";
  out += "</nav>\n</header>\n";
  for (const auto& s : sections)
    out += "<section id=\"" + s.id + "\">\n<h2>" + escape(s.title) + "</h2>\n" + s.html +
           "</section>\n";
  out += "<footer>capsim " + escape(r.run.capsim) + " · run directory " + escape(r.dir) +
         " · charts are inline SVG; this page loads nothing else.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace

std::string html_report(const std::string& run_dir) {
  return page(read_run_dir(run_dir));
}

std::string write_html_report(const std::string& run_dir, const std::string& path) {
  std::string html = html_report(run_dir);
  std::string target = path.empty() ? (fs::path(run_dir) / "report.html").string() : path;
  std::ofstream out(target, std::ios::binary);
  out << html;
  out.close();
  if (!out)
    throw_input_error(target, "", "cannot write the report here (expected a writable file path)");
  return target;
}

}  // namespace capsim::output
