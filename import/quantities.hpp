// Numbers as the deployment files write them, converted to what a capsim topology writes: CPU in
// cores, memory as a size string ("512MiB"), times as a duration string ("5s"). Each parser
// returns nullopt on a malformed value; the caller reports it with the key and what was expected.
#pragma once

#include <optional>
#include <string>

namespace capsim::import {

// A whole number, optionally signed ("3", "-1"); nothing else (not "3.0", not "three").
std::optional<long long> parse_integer(const std::string& text);
// A decimal number ("0.5", "2", "1e3").
std::optional<double> parse_number(const std::string& text);
// yes/no, true/false, on/off, 1/0 (redis.conf, postgresql.conf, YAML), case-insensitive.
std::optional<bool> parse_flag(const std::string& text);

// Kubernetes CPU quantity: "500m" = 0.5 cores, "2" = 2 cores, "1.5".
std::optional<double> parse_kube_cpu(const std::string& text);
// Kubernetes memory quantity in bytes: "512Mi", "1Gi", "1G" (10^9), "128974848", "129e6".
std::optional<double> parse_kube_memory(const std::string& text);
// Docker / compose memory in bytes: "512M", "2G", "1gb", "256m": k, m, g, t are powers of 1024
// (docker's units.RAMInBytes), with an optional "b" or "ib".
std::optional<double> parse_docker_memory(const std::string& text);
// redis.conf memory in bytes: "1k" = 1000, "1kb" = 1024, "1m", "1mb", "1g", "1gb" (redis.conf's
// "Units" note), case-insensitive; a plain number is bytes.
std::optional<double> parse_redis_memory(const std::string& text);
// nginx time in seconds: "30s", "5m", "500ms", "1h 30m", a plain number is seconds (nginx docs,
// "Syntax": time intervals).
std::optional<double> parse_nginx_time(const std::string& text);

// Bytes as a capsim size: the largest unit that divides it exactly, binary units first ("2GiB",
// "1536MiB", "1GB"), else bytes ("100B").
std::string format_size(double bytes);
// Seconds as a capsim duration: "5s", "1500ms", "250us"; whole seconds stay in seconds ("300s").
std::string format_duration(double seconds);
// A number without a trailing ".0" when it is whole (0.5 stays 0.5, 2.0 becomes 2).
std::string format_number(double value);

}  // namespace capsim::import
