// A POSIX file descriptor owned by one object and closed when it goes away (RAII), for the code
// that opens files, pipes or sockets with the system calls themselves.
#pragma once

#include <unistd.h>

namespace shepherd::base {

// Owns `fd` (a negative value owns nothing); not copyable, so that exactly one owner closes it.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  // Closes the descriptor now (a pipe's end the child must see closed); get() is then -1.
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

}  // namespace shepherd::base
