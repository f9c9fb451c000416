// A synaptic channel of a network population: every projection or drive of one synapse kind,
// time constant and reversal potential onto it adds into the same per-neuron variables, so a
// population has a few channels however many projections reach it.
//
// Exponential synapses keep one variable s (I in pA or g in nS): s <- s e^{-dt/tau}, and a spike
// of weight w adds w. Alpha synapses keep s and its drive x: dx/dt = -x/tau, ds/dt = x - s/tau,
// a spike adds w e / tau to x, so that one spike gives s(t) = w (t/tau) e^{1 - t/tau}, peaking at
// w when t = tau. Both are integrated exactly.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "lapicque/network.hpp"

namespace lapicque::network {

inline bool is_conductance(SynapseKind kind) {
  return kind == SynapseKind::exp_conductance || kind == SynapseKind::alpha_conductance;
}
inline bool is_alpha(SynapseKind kind) {
  return kind == SynapseKind::alpha_current || kind == SynapseKind::alpha_conductance;
}

struct SynapseChannel {
  SynapseKind kind = SynapseKind::delta;
  double tau = 0;    // [ms]
  double E_rev = 0;  // [mV] conductances
  std::string name;  // of its variable in recordings: "I_E", "g_I", ...
  double decay = 0;  // e^{-dt/tau}
  double kick = 0;   // alpha: x jump per unit weight, e / tau [1/ms]

  SynapseChannel(SynapseKind k, double tau_ms, double E_rev_mV, std::string variable, double dt)
      : kind(k), tau(tau_ms), E_rev(E_rev_mV), name(std::move(variable)) {
    if (k != SynapseKind::delta) {
      decay = std::exp(-dt / tau);
      kick = std::exp(1.0) / tau;
    }
  }
  bool same(SynapseKind k, double tau_ms, double E_rev_mV) const {
    if (k != kind) return false;
    if (k == SynapseKind::delta) return true;
    return tau_ms == tau && (!is_conductance(k) || E_rev_mV == E_rev);
  }
  std::string_view unit() const { return is_conductance(kind) ? "nS" : "pA"; }
};

// The channels of one population, in the order the engine makes them (projections, then
// Poisson drives): one per distinct (kind, tau_syn, E_rev), named after the first source that
// uses it ("g_E", "I_ext", "g_drive0").
struct ChannelSpec {
  SynapseKind kind;
  double tau, E_rev;
  std::string name;
};

inline std::vector<ChannelSpec> channels_of(const NetworkSpec& n, const std::string& population) {
  std::vector<ChannelSpec> out;
  const auto add = [&](SynapseKind kind, double tau, double E_rev, const std::string& source) {
    const SynapseChannel probe(kind, tau, E_rev, "", 1);
    for (const auto& c : out)
      if (probe.same(c.kind, c.tau, c.E_rev)) return;
    std::string name(is_conductance(kind) ? "g" : "I");
    name.append("_").append(source);
    for (const auto& c : out)
      if (c.name == name) name.append("_").append(std::to_string(out.size()));
    out.push_back({kind, tau, E_rev, name});
  };
  for (const auto& j : n.projections)
    if (j.target == population) add(j.synapse, j.tau_syn, j.E_rev, j.source);
  for (std::size_t k = 0; k < n.drives.size(); ++k)
    if (n.drives[k].target == population && n.drives[k].input.type == "poisson")
      add(n.drives[k].synapse, n.drives[k].tau_syn, n.drives[k].E_rev, "drive" + std::to_string(k));
  return out;
}

// Exact coupling of a synaptic current into a leaky membrane over one step h [ms]: with
// C dV/dt = -g_L (V - E_L) + s(t) and s(t) = (s0 + x0 t) e^{-t/tau}, V(h) gains
// s0 * coupling.from_s + x0 * coupling.from_x on top of its own decay. Well defined as tau
// approaches tau_m (the series branches).
struct CurrentCoupling {
  double from_s = 0;  // [mV/pA]
  double from_x = 0;  // [mV ms/pA]
};

inline CurrentCoupling current_coupling(double tau_m, double C_m, double tau, double h) {
  // V gains (1/C) e^{-h/tau_m} times the integral over [0, h] of (s0 + x0 u) e^{-a u},
  // a = 1/tau - 1/tau_m: h phi1(-a h) s0 + h^2 psi(a h) x0.
  const long double a = 1.0L / tau - 1.0L / tau_m, u = a * h;
  long double phi1 = 0, psi = 0;  // phi1(z) = (e^z - 1)/z; psi(u) = (1 - e^{-u}(1 + u))/u^2
  if (std::fabs(static_cast<double>(u)) < 0.1L) {
    // phi1(-u) = sum_n (-u)^n/(n+1)!, psi(u) = sum_{n>=2} (-1)^n (n-1)/n! u^{n-2}
    long double term = 1, power = 1, factorial = 1;
    phi1 = 0;
    for (int n = 0; n < 20; ++n) {
      factorial *= (n + 1);
      phi1 += term / factorial;
      term *= -u;
    }
    factorial = 2;
    for (int n = 2; n < 22; ++n) {
      if (n > 2) factorial *= n;
      psi += ((n % 2 == 0) ? 1 : -1) * (n - 1) * power / factorial;
      power *= u;
    }
  } else {
    phi1 = -std::expm1(-u) / u;
    psi = (1 - std::exp(-u) * (1 + u)) / (u * u);
  }
  const long double leak = std::exp(-static_cast<long double>(h) / tau_m) / C_m;
  return {static_cast<double>(leak * h * phi1), static_cast<double>(leak * h * h * psi)};
}

}  // namespace lapicque::network
