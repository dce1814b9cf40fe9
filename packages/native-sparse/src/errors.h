// The addon's error model: native code throws lth::Error with a stable code; the binding layer turns it
// into a JS Error with `.code`. Nothing here aborts or exits: inside Node that would kill the user's process.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace lth {

// Stable codes, mirrored in lib/errors.ts.
namespace code {
inline constexpr const char* kShape = "ERR_SHAPE";        // shapes disagree or are out of range
inline constexpr const char* kDtype = "ERR_DTYPE";        // wrong element type
inline constexpr const char* kDevice = "ERR_DEVICE";      // tensors on different devices / op not on this device
inline constexpr const char* kCuda = "ERR_CUDA";          // a CUDA runtime call failed
inline constexpr const char* kNoCuda = "ERR_NO_CUDA";     // CUDA asked for but not compiled or no device
inline constexpr const char* kDisposed = "ERR_DISPOSED";  // tensor used after dispose()
inline constexpr const char* kArg = "ERR_ARG";            // a scalar argument is invalid
inline constexpr const char* kNaN = "ERR_NAN";            // NaN where a finite value is required
inline constexpr const char* kOom = "ERR_OOM";            // allocation failed
inline constexpr const char* kAlias = "ERR_ALIAS";        // an output shares memory with another argument
}  // namespace code

class Error : public std::runtime_error {
 public:
  Error(const char* c, const std::string& msg) : std::runtime_error(msg), code_(c) {}
  const char* code() const noexcept { return code_; }

 private:
  const char* code_;
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}
}  // namespace detail

template <typename... Parts>
[[noreturn]] void fail(const char* c, const Parts&... parts) {
  throw Error(c, detail::concat(parts...));
}

}  // namespace lth

// LTH_CHECK(cond, code, message parts...): throw lth::Error when cond is false. Cheap; used in release builds.
#define LTH_CHECK(cond, c, ...)                 \
  do {                                          \
    if (!(cond)) ::lth::fail((c), __VA_ARGS__); \
  } while (0)
