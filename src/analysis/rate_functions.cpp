// Closed-form response curves: seed 002's rate nonlinearities and the LIF rate G[J].
#include <cmath>

#include "lapicque/analysis.hpp"

namespace lapicque {

double relu(double j) {
  return j > 0 ? j : 0;
}
// log(1 + e^j) without overflow for large j.
double softplus(double j) {
  return j > 0 ? j + std::log1p(std::exp(-j)) : std::log1p(std::exp(j));
}
double logistic(double j) {
  return j >= 0 ? 1 / (1 + std::exp(-j)) : std::exp(j) / (1 + std::exp(j));
}
double tanh_rate(double j) {
  return std::tanh(j);
}

double lif_rate_normalised_hz(double j, double tau_rc_ms, double tau_ref_ms) {
  if (!(j > 1)) return 0;
  return 1000.0 / (tau_ref_ms - tau_rc_ms * std::log1p(-1 / j));
}

double lif_rate_hz(double current, double g_L, double tau_m, double E_L, double V_th, double V_reset,
                   double t_ref) {
  const double V_inf = E_L + current / g_L;
  if (!(V_inf > V_th)) return 0;
  return 1000.0 / (t_ref + tau_m * std::log((V_inf - V_reset) / (V_inf - V_th)));
}

}  // namespace lapicque
