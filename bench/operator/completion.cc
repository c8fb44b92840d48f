// Implementation of completion.h.
#include "bench/operator/completion.h"

#include "controllers/reconcile/resources.h"

namespace shepherd::bench {
namespace {

bool is_terminal(const std::string& phase) {
  return phase == "Succeeded" || phase == "NoChanges" || phase == "NeedsReview" || phase == "Failed" ||
         phase == "RolledBack" || phase == "Skipped";
}

}  // namespace

CompletionWatch::CompletionWatch(std::shared_ptr<runtime::Client> client, const std::string& ns,
                                 size_t expected)
    : expected_(expected) {
  runtime::InformerOptions io;
  io.namespace_name = ns;
  informer_ =
      std::make_shared<runtime::Informer>(std::move(client), controllers::reconcile::kConsumerMigrations, io);
  runtime::EventHandlers h;
  h.on_add = [this](const runtime::ObjectPtr& o) { observe(o); };
  h.on_update = [this](const runtime::ObjectPtr&, const runtime::ObjectPtr& o) { observe(o); };
  informer_->add_handlers(std::move(h));
}

CompletionWatch::~CompletionWatch() { informer_->stop(); }

bool CompletionWatch::start() {
  informer_->start();
  return informer_->wait_for_sync(std::chrono::seconds(60));
}

void CompletionWatch::observe(const runtime::ObjectPtr& obj) {
  const std::string name = (*obj)["metadata"].value("name", "");
  const std::string phase = obj->value("/status/phase"_json_pointer, std::string());
  std::lock_guard lock(mu_);
  auto& known = phase_[name];
  if (is_terminal(known) == is_terminal(phase)) {
    known = phase;
    return;
  }
  if (is_terminal(phase))
    ++terminal_;
  else
    --terminal_;
  known = phase;
  if (terminal_ >= expected_ && done_at_ == Clock::time_point{}) {
    done_at_ = Clock::now();
    cv_.notify_all();
  }
}

bool CompletionWatch::wait(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return done_at_ != Clock::time_point{}; });
}

CompletionWatch::Clock::time_point CompletionWatch::done_at() const {
  std::lock_guard lock(mu_);
  return done_at_;
}

size_t CompletionWatch::terminal() const {
  std::lock_guard lock(mu_);
  return terminal_;
}

std::map<std::string, size_t> CompletionWatch::phases() const {
  std::lock_guard lock(mu_);
  std::map<std::string, size_t> out;
  for (const auto& [name, phase] : phase_) out[phase]++;
  return out;
}

}  // namespace shepherd::bench
