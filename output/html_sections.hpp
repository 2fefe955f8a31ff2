// The sections of `capsim report`'s page, each drawn from the run's typed files
// (output/run_files.hpp): a chart as inline SVG with its figures in a table beside it.
// output/html_report.cpp picks the sections a run has and assembles the page.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "output/run_files.hpp"
#include "output/svg_chart.hpp"

namespace capsim::output {

struct Section {
  std::string id, title, html;  // html: what goes under the section's heading
};

// The lines under the page's title: load, replications and seed; what saturated; the SLO verdict.
std::string run_meta(const SummaryFile& s, const RunFile& run);

// A drill's fault, detection, promotion and recovery: vertical lines on every time chart.
std::vector<svg::Marker> drill_markers(const TimelineFile& t, const std::vector<TimeseriesRow>& ts);

Section drill_section(const TimelineFile& t, const std::vector<TimeseriesRow>& ts);
// Without costs.csv, the cost chart shows each period's total from plan.json.
Section plan_section(const PlanFile& plan, const std::vector<CostRow>& costs);
Section latency_section(const SummaryFile& s, const std::vector<TimeseriesRow>& ts,
                        const std::vector<svg::Marker>& markers);
Section throughput_section(const SummaryFile& s, const std::vector<TimeseriesRow>& ts,
                           const std::vector<svg::Marker>& markers);
Section utilisation_section(const SummaryFile& s);
// The sections below are left out (nullopt) when the run has nothing to draw in them.
std::optional<Section> queues_section(const SummaryFile& s, const std::vector<TimeseriesRow>& ts,
                                      const std::vector<svg::Marker>& markers);
std::optional<Section> replicas_section(const std::vector<TimeseriesRow>& ts,
                                        const std::vector<svg::Marker>& markers);
std::optional<Section> distribution_section(const std::vector<LatencyRow>& latency);
Section slo_section(const SummaryFile::Slo& slo);

}  // namespace capsim::output
