#include "models/kind_helpers.hpp"

namespace capsim::models {

LossDrill lose_first_instance(bool every_period) {
  LossDrill loss;
  loss.target = [](const config::Component&) {
    return std::optional<LossTarget>(LossTarget{"", 0});
  };
  loss.every_period = every_period;
  loss.more_instances_help = true;
  return loss;
}

}  // namespace capsim::models
