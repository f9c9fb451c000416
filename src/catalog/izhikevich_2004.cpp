// Izhikevich (2004), "Which model to use for cortical spiking neurons?", figure 1: the twenty
// panels with the parameters, steps and stimuli of the paper's figure1.m.
#include <cmath>

#include "lapicque/catalog.hpp"

namespace lapicque {

namespace {

// figure1.m samples I at the grid points t_k and uses strict inequalities: "I on (a, b)" reaches
// exactly the grid points strictly inside; these helpers place the edges between grid points.
double after(double t, double tau) {
  return (std::floor(t / tau + 1e-9) + 0.5) * tau;
}
double before(double t, double tau) {
  return (std::ceil(t / tau - 1e-9) - 0.5) * tau;
}
InputSpec on_after(double t1, double amplitude, double tau) {
  return {"step", {{"start", after(t1, tau)}, {"amplitude", amplitude}}};
}
InputSpec pulse(double a, double b, double amplitude, double tau) {
  return {"step", {{"start", after(a, tau)}, {"stop", before(b, tau)}, {"amplitude", amplitude}}};
}
InputSpec constant(double amplitude) {
  return {"constant", {{"amplitude", amplitude}}};
}
// slope (t - t1) for t > t1.
InputSpec ramp_after(double t1, double slope, double tau) {
  const double start = after(t1, tau);
  return {"ramp", {{"slope", slope}, {"start", start}, {"offset", slope * (start - t1)}}};
}

const ParamValues class_1_variant{{"k1", 4.1}, {"k0", 108}};

}  // namespace

Experiment IzhikevichFeature::experiment_with(const IzhikevichFeature& neuron) const {
  Experiment e;
  e.model = "izhikevich";
  e.neuron = {{"a", neuron.a}, {"b", neuron.b}, {"c", neuron.c}, {"d", neuron.d}, {"V_m", neuron.V_m}};
  e.neuron.insert(e.neuron.end(), neuron.variant.begin(), neuron.variant.end());
  e.inputs = inputs;
  e.integration.dt = dt;
  e.integration.method = Method::euler;
  e.method_given = true;
  e.duration = duration;
  e.record.variables = {"V_m", "I"};
  return e;
}

Experiment IzhikevichFeature::experiment() const {
  return experiment_with(*this);
}

std::vector<IzhikevichFeature> izhikevich_2004_features(int refine) {
  std::vector<IzhikevichFeature> all;
  const auto add = [&](char panel, std::string name, double a, double b, double c, double d, double V0,
                       double tau, double T, std::vector<InputSpec> input, ParamValues variant,
                       std::size_t count, std::vector<double> stamps) {
    all.push_back({panel, std::move(name), a, b, c, d, V0, tau, T, std::move(input), std::move(variant),
                   count, std::move(stamps)});
  };
  double tau = 0.25 / refine;
  add('A', "tonic spiking", .02, .2, -65, 6, -70, tau, 100, {on_after(10, 14, tau)}, {}, 5,
      {13, 17, 31.5, 59.25, 86.75});
  add('B', "phasic spiking", .02, .25, -65, 6, -64, tau, 200, {on_after(20, 0.5, tau)}, {}, 1, {43.75});
  add('C', "tonic bursting", .02, .2, -50, 2, -70, tau, 220, {on_after(22, 15, tau)}, {}, 28, {});
  tau = 0.2 / refine;
  add('D', "phasic bursting", .02, .25, -55, .05, -64, tau, 200, {on_after(20, 0.6, tau)}, {}, 6,
      {39, 42.8, 47, 51.8, 57.6, 67.2});
  tau = 0.25 / refine;
  add('E', "mixed mode", .02, .2, -55, 4, -70, tau, 160, {on_after(16, 10, tau)}, {}, 6,
      {20, 22.75, 27.25, 67, 99.25, 131.5});
  add('F', "spike frequency adaptation", .01, .2, -65, 8, -70, tau, 85, {on_after(8.5, 30, tau)}, {}, 6,
      {10.25, 12.25, 15, 19.75, 42.5, 71.5});
  add('G', "class 1 excitable", .02, -.1, -55, 6, -60, tau, 300, {ramp_after(30, 0.075, tau)},
      class_1_variant, 10, {84.5, 125, 155.75, 181, 203.5, 223.75, 242, 259.25, 275.5, 290.5});
  add('H', "class 2 excitable", .2, .26, -65, 0, -64, tau, 300, {constant(-0.5), ramp_after(30, 0.015, tau)},
      {}, 14, {});
  tau = 0.2 / refine;
  add('I', "spike latency", .02, .2, -65, 6, -70, tau, 100, {pulse(10, 13, 7.04, tau)}, {}, 1, {26.6});
  tau = 0.25 / refine;
  add('J', "subthreshold oscillations", .05, .26, -60, 0, -62, tau, 200, {pulse(20, 25, 2, tau)}, {}, 1,
      {26.5});
  add('K', "resonator", .1, .26, -60, -1, -62, tau, 400,
      {pulse(40, 44, 0.65, tau), pulse(60, 64, 0.65, tau), pulse(280, 284, 0.65, tau),
       pulse(320, 324, 0.65, tau)},
      {}, 1, {338});
  const double T1 = 100.0 / 11;
  add('L', "integrator", .02, -.1, -55, 6, -60, tau, 100,
      {pulse(T1, T1 + 2, 9, tau), pulse(T1 + 5, T1 + 7, 9, tau), pulse(70, 72, 9, tau),
       pulse(80, 82, 9, tau)},
      class_1_variant, 1, {20});
  tau = 0.2 / refine;
  add('M', "rebound spike", .03, .25, -60, 4, -64, tau, 200, {pulse(20, 25, -15, tau)}, {}, 1, {68});
  add('N', "rebound burst", .03, .25, -52, 0, -64, tau, 200, {pulse(20, 25, -15, tau)}, {}, 7,
      {68, 71, 74.2, 77.8, 81.8, 86.4, 92.2});
  tau = 0.25 / refine;
  add('O', "threshold variability", .03, .25, -60, 4, -64, tau, 100,
      {pulse(10, 15, 1, tau), pulse(80, 85, 1, tau), pulse(70, 75, -6, tau)}, {}, 1, {93.25});
  add('P', "bistability", .1, .26, -60, 0, -61, tau, 300,
      {constant(0.24), pulse(37.5, 42.5, 1, tau), pulse(216, 221, 1, tau)}, {}, 5,
      {45.25, 86, 126.5, 167.25, 208});
  tau = 0.1 / refine;
  add('Q', "depolarising after-potential", 1, .2, -60, -21, -70, tau, 50, {pulse(9, 11, 20, tau)}, {}, 1,
      {11.3});
  tau = 0.5 / refine;
  // The ramps of figure1.m: t/25 up to 200 ms, then 4 (t - 300)/12.5 on [300, 312.5]; the recovery
  // variable of this panel relaxes to 0 (u' = a (b (v + 65))).
  add('R', "accommodation", .02, 1, -55, 4, -65, tau, 400,
      {{"ramp", {{"slope", 1.0 / 25}, {"stop", 200.0}}},
       {"ramp", {{"slope", 4 / 12.5}, {"start", 300.0}, {"stop", 312.5}}}},
      {{"v_u", -65}, {"u_decay", 0}, {"U_m", -16}}, 1, {311.5});
  // 75 instead of 80 on [50, 250], both ends included.
  const std::vector<InputSpec> inhibition{
      constant(80), {"step", {{"start", 50 - tau / 2}, {"stop", 250 + tau / 2}, {"amplitude", -5.0}}}};
  add('S', "inhibition-induced spiking", -.02, -1, -60, 8, -63.8, tau, 350, inhibition, {}, 3,
      {94.5, 166, 236});
  add('T', "inhibition-induced bursting", -.026, -1, -45, -2, -63.8, tau, 350, inhibition, {}, 12,
      {86.5, 88.5, 90.5, 93, 95.5, 98.5, 103, 191.5, 194, 196.5, 199.5, 204});
  return all;
}

}  // namespace lapicque
