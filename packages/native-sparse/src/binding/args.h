// The one place that gives the arguments of a JS call their meaning: every export reads its arguments through
// an Args, one line per argument (a declarative spec that runs), and the TypeScript side only types the call.
// It checks JS types, dtypes, ranks, integer ranges, shapes given as arrays (element counts bounded as they
// multiply), devices, and that no output shares memory with another argument unless the op allows it in
// place; it allocates the outputs the caller did not pass. Every failure is an lth::Error with a stable code
// (ERR_ARG, ERR_SHAPE, ERR_DTYPE, ERR_DISPOSED, ERR_ALIAS, ERR_DEVICE), so a wrong call from JS throws and
// never reaches a kernel.
#pragma once
#include <napi.h>

#include <deque>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "../tensor.h"

namespace lth::binding {

// What a tensor argument must be. dtypes is a bit set of (1 << DType); rank -1 = any; min_rank -1 = none.
struct Want {
  unsigned dtypes;
  int rank = -1;
  int min_rank = -1;
};
inline constexpr unsigned bit(DType d) { return 1u << static_cast<unsigned>(d); }
inline Want f32(int rank = -1) { return {bit(DType::F32), rank}; }
inline Want u8(int rank = -1) { return {bit(DType::U8), rank}; }
inline Want i32(int rank = -1) { return {bit(DType::I32), rank}; }

// A short description of any JS value for messages (never throws).
std::string describe_value(Napi::Value v);

// A result object { name: value, ... }.
Napi::Object result(Napi::Env env, std::initializer_list<std::pair<const char*, Napi::Value>> fields);

// Largest kernel size, stride or padding of a spatial op (the kernels index with int32).
inline constexpr int64_t kMaxGeometry = 2147483647;

class Args {
 public:
  // One tensor the call reads or writes.
  struct Slot {
    std::string name;
    Tensor* t = nullptr;                   // null until allocated, for an output the caller did not pass
    Napi::Value js;                        // the JS object (given or allocated)
    bool out = false;                      // the op writes it
    std::vector<std::string> in_place_of;  // names it may share memory with
    std::vector<int64_t> shape;            // outputs: the shape it must have
    DType dtype = DType::F32;
  };
  class Out {
   public:
    explicit Out(Slot* s = nullptr) : s_(s) {}
    explicit operator bool() const { return s_ != nullptr; }
    Tensor& operator*() const { return *s_->t; }
    Tensor* get() const { return s_ ? s_->t : nullptr; }
    template <typename T>
    T* data() const {
      return s_ ? s_->t->data<T>() : nullptr;
    }
    Napi::Value js(Napi::Env env) const { return s_ ? s_->js : env.Null(); }

   private:
    Slot* s_;
  };

  Args(const Napi::CallbackInfo& info, const char* op) : info_(info), op_(op) {}
  const char* op() const { return op_; }
  Napi::Env env() const { return info_.Env(); }

  // Positional argument i (undefined past the end).
  Napi::Value at(size_t i) const { return info_[i]; }
  // The options object at position i: undefined reads as {} unless required; anything else but a plain object
  // is ERR_ARG. Later `opt(key)` calls read from it.
  void options(size_t i, bool required = false);
  Napi::Value opt(const char* key) const;

  // Tensors. `name` appears in messages and in aliasing rules.
  Tensor& tensor(Napi::Value v, const std::string& name, Want w);
  Tensor* optional_tensor(Napi::Value v, const std::string& name, Want w);  // null/undefined -> none
  // A tensor the op updates in place (optimizer state, running statistics): it may share memory with nothing.
  Tensor& state(Napi::Value v, const std::string& name, Want w);
  Tensor* optional_state(Napi::Value v, const std::string& name, Want w);
  // An output of `shape`: the given tensor (checked at finish) or, when v is null/undefined, a new one.
  Out output(Napi::Value v, const std::string& name, DType dtype, std::vector<int64_t> shape,
             std::vector<std::string> in_place_of = {});
  // A gradient: false -> none, true/undefined -> a new one, a tensor -> written into.
  Out grad(Napi::Value v, const std::string& name, std::vector<int64_t> shape);
  // Array arguments (tensor lists).
  std::vector<Napi::Value> list(Napi::Value v, const std::string& name);

  // Scalars. *_or forms take a default for undefined.
  double number(Napi::Value v, const char* name, double lo = -1e308, double hi = 1e308);
  double number_or(Napi::Value v, const char* name, double dflt, double lo = -1e308, double hi = 1e308);
  int64_t integer(Napi::Value v, const char* name, int64_t lo, int64_t hi = 9007199254740991);
  bool boolean_or(Napi::Value v, const char* name, bool dflt);
  uint64_t seed(Napi::Value v, const char* name);
  std::string one_of(Napi::Value v, const char* name, std::initializer_list<const char*> values);
  // A size for both spatial dimensions or [h, w], integers in [lo, kMaxGeometry]; `dflt` when undefined.
  std::pair<int64_t, int64_t> pair(Napi::Value v, const char* name, int64_t lo, std::pair<int64_t, int64_t> dflt);
  // A shape given as an array: non-negative integers, element count within kMaxElements (ERR_SHAPE).
  std::vector<int64_t> shape(Napi::Value v, const char* name, int rank = -1);

  // A shape computed from the arguments (an output's): bounded like any shape.
  std::vector<int64_t> checked_shape(std::vector<int64_t> s, const char* what) const;
  // Relations between arguments.
  void expect_shape(const Tensor& t, const std::vector<int64_t>& shape, const std::string& name) const;
  void expect_rank(const Tensor& t, int rank, const std::string& name, const char* form) const;
  // t (if given) holds as many elements as `like` (a parameter's gradient, mask and optimizer state).
  void expect_numel_of(const Tensor* t, const Tensor& like, const char* name, const char* like_name) const;

  // After every argument is read: aliasing, output shapes, one device; then the missing outputs are allocated
  // on that device. Returns the device.
  Device finish();

 private:
  Slot& add(Slot s);
  const Napi::CallbackInfo& info_;
  const char* op_;
  Napi::Object opts_;
  bool has_opts_ = false;
  std::deque<Slot> slots_;  // stable addresses for Out
};

}  // namespace lth::binding
