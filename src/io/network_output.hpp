// Writing the results of a network run: spikes.csv (population,neuron,t_ms), trace.csv of the
// recorded state variables, rates.csv of the population rates and summary.json.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "lapicque/network.hpp"

namespace lapicque::io {

// Every recorded spike in time order (then population, then neuron).
void write_network_spikes_csv(std::ostream& out, const NetworkResult& result);
// t_ms then one column per recorded variable, named population.neuron.variable ("E.0.V_m").
void write_network_trace_csv(std::ostream& out, const NetworkResult& result, double dt);
// t_ms (start of each bin) then <population>_hz for each population.
void write_network_rates_csv(std::ostream& out, const NetworkResult& result, double bin_ms);

// The run's figures: per population size, spikes, rate, CV of the ISI and Fano factor; setup_s,
// sim_s, peak_rss_mb, n_synapses, bytes_per_synapse.
nlohmann::json network_summary_json(const NetworkSpec& spec, const NetworkResult& result,
                                    const std::string& source);

// The peak resident memory of this process so far [MB].
double peak_rss_mb();

}  // namespace lapicque::io
