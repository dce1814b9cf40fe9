#include "args.h"

#include <algorithm>
#include <cmath>

#include "napi_util.h"

namespace lth::binding {

namespace {

std::string shape_str(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

std::string dtypes_str(unsigned set) {
  std::string out;
  for (DType d : {DType::F32, DType::U8, DType::I32}) {
    if (!(set & bit(d))) continue;
    out += (out.empty() ? "" : " or ") + std::string(dtype_name(d));
  }
  return out;
}

bool is_plain_object(Napi::Value v) { return v.Type() == napi_object && !v.IsArray(); }

}  // namespace

std::string describe_value(Napi::Value v) {
  switch (v.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return std::string("boolean ") + (v.As<Napi::Boolean>().Value() ? "true" : "false");
    case napi_number: {
      std::ostringstream os;
      os << "number " << v.As<Napi::Number>().DoubleValue();
      return os.str();
    }
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      return "the string \"" + (s.size() > 40 ? s.substr(0, 40) + "…" : s) + "\"";
    }
    case napi_symbol:
      return "a symbol";
    case napi_function:
      return "a function";
    case napi_bigint:
      return "a bigint";
    case napi_external:
      return "an external";
    case napi_object:
      if (TensorWrap::IsInstance(v)) return "a tensor " + TensorWrap::Unwrap(v.As<Napi::Object>())->tensor().describe();
      if (v.IsArray()) return "an array of " + std::to_string(v.As<Napi::Array>().Length());
      if (v.IsTypedArray()) return "a typed array";
      return "an object";
  }
  return "a value";
}

Napi::Object result(Napi::Env env, std::initializer_list<std::pair<const char*, Napi::Value>> fields) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [k, v] : fields) o.Set(k, v);
  return o;
}

void Args::options(size_t i, bool required) {
  Napi::Value v = at(i);
  if (v.IsUndefined() && !required) return;
  LTH_CHECK(is_plain_object(v), code::kArg, op_, ": the options must be an object, got ", describe_value(v));
  opts_ = v.As<Napi::Object>();
  has_opts_ = true;
}

Napi::Value Args::opt(const char* key) const { return has_opts_ ? opts_.Get(key) : env().Undefined(); }

Args::Slot& Args::add(Slot s) {
  slots_.push_back(std::move(s));
  return slots_.back();
}

Tensor& Args::tensor(Napi::Value v, const std::string& name, Want w) {
  LTH_CHECK(TensorWrap::IsInstance(v), code::kArg, op_, ": '", name, "' must be a Tensor, got ", describe_value(v));
  Tensor& t = TensorWrap::Unwrap(v.As<Napi::Object>())->tensor();
  LTH_CHECK(!t.disposed(), code::kDisposed, op_, ": tensor '", name, "' was disposed");
  LTH_CHECK(w.dtypes & bit(t.dtype), code::kDtype, op_, ": '", name, "' must be ", dtypes_str(w.dtypes), ", got ",
            t.describe());
  LTH_CHECK(w.rank < 0 || t.shape.size() == static_cast<size_t>(w.rank), code::kShape, op_, ": '", name,
            "' must have rank ", w.rank, ", got ", t.describe());
  LTH_CHECK(w.min_rank < 0 || t.shape.size() >= static_cast<size_t>(w.min_rank), code::kShape, op_, ": '", name,
            "' must have rank >= ", w.min_rank, ", got ", t.describe());
  Slot s;
  s.name = name;
  s.t = &t;
  s.js = v;
  s.shape = t.shape;
  s.dtype = t.dtype;
  add(std::move(s));
  return t;
}

Tensor* Args::optional_tensor(Napi::Value v, const std::string& name, Want w) {
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  return &tensor(v, name, w);
}

Tensor& Args::state(Napi::Value v, const std::string& name, Want w) {
  Tensor& t = tensor(v, name, w);
  slots_.back().out = true;
  return t;
}

Tensor* Args::optional_state(Napi::Value v, const std::string& name, Want w) {
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  return &state(v, name, w);
}

Args::Out Args::output(Napi::Value v, const std::string& name, DType dtype, std::vector<int64_t> shape,
                       std::vector<std::string> in_place_of) {
  Slot s;
  if (!v.IsNull() && !v.IsUndefined()) {
    tensor(v, name, Want{bit(dtype)});
    s = std::move(slots_.back());
    slots_.pop_back();
  }
  s.name = name;
  s.out = true;
  s.in_place_of = std::move(in_place_of);
  s.shape = std::move(shape);
  s.dtype = dtype;
  return Out(&add(std::move(s)));
}

Args::Out Args::grad(Napi::Value v, const std::string& name, std::vector<int64_t> shape) {
  if (v.IsBoolean() && !v.As<Napi::Boolean>().Value()) return Out();
  if (v.IsBoolean()) v = env().Undefined();
  LTH_CHECK(v.IsUndefined() || TensorWrap::IsInstance(v), code::kArg, op_, ": '", name,
            "' must be a Tensor or a boolean, got ", describe_value(v));
  return output(v, name, DType::F32, std::move(shape));
}

std::vector<Napi::Value> Args::list(Napi::Value v, const std::string& name) {
  LTH_CHECK(v.IsArray(), code::kArg, op_, ": '", name, "' must be an array of Tensors, got ", describe_value(v));
  Napi::Array a = v.As<Napi::Array>();
  std::vector<Napi::Value> out;
  for (uint32_t k = 0; k < a.Length(); ++k) out.push_back(a.Get(k));
  return out;
}

double Args::number(Napi::Value v, const char* name, double lo, double hi) {
  double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  LTH_CHECK(std::isfinite(x) && x >= lo && x <= hi, code::kArg, op_, ": '", name, "' must be a finite number in [", lo,
            ", ", hi, "], got ", describe_value(v));
  return x;
}

double Args::number_or(Napi::Value v, const char* name, double dflt, double lo, double hi) {
  return v.IsUndefined() ? dflt : number(v, name, lo, hi);
}

int64_t Args::integer(Napi::Value v, const char* name, int64_t lo, int64_t hi) {
  double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  LTH_CHECK(std::isfinite(x) && x == std::floor(x) && x >= static_cast<double>(lo) && x <= static_cast<double>(hi),
            code::kArg, op_, ": '", name, "' must be an integer in [", lo, ", ", hi, "], got ", describe_value(v));
  return static_cast<int64_t>(x);
}

bool Args::boolean_or(Napi::Value v, const char* name, bool dflt) {
  if (v.IsUndefined()) return dflt;
  LTH_CHECK(v.IsBoolean(), code::kArg, op_, ": '", name, "' must be a boolean, got ", describe_value(v));
  return v.As<Napi::Boolean>().Value();
}

uint64_t Args::seed(Napi::Value v, const char* name) {
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
    LTH_CHECK(lossless, code::kArg, op_, ": '", name, "' must be an integer in [0, 2^53) or a bigint in [0, 2^64)");
    return x;
  }
  return static_cast<uint64_t>(integer(v, name, 0));
}

std::string Args::one_of(Napi::Value v, const char* name, std::initializer_list<const char*> values) {
  std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
  std::string list;
  for (const char* x : values) {
    if (v.IsString() && s == x) return s;
    list += (list.empty() ? "'" : ", '") + std::string(x) + "'";
  }
  fail(code::kArg, op_, ": '", name, "' must be one of ", list, ", got ", describe_value(v));
}

std::pair<int64_t, int64_t> Args::pair(Napi::Value v, const char* name, int64_t lo, std::pair<int64_t, int64_t> dflt) {
  if (v.IsUndefined()) return dflt;
  Napi::Value h = v, w = v;
  bool ok = v.IsNumber();
  if (v.IsArray() && v.As<Napi::Array>().Length() == 2) {
    h = v.As<Napi::Array>().Get(0u);
    w = v.As<Napi::Array>().Get(1u);
    ok = true;
  }
  auto dim = [&](Napi::Value d) {
    double x = d.IsNumber() ? d.As<Napi::Number>().DoubleValue() : NAN;
    return std::isfinite(x) && x == std::floor(x) && x >= static_cast<double>(lo) && x <= kMaxGeometry;
  };
  LTH_CHECK(ok && dim(h) && dim(w), code::kArg, op_, ": '", name, "' must be an integer in [", lo, ", ", kMaxGeometry,
            "] or a pair of them, got ", describe_value(v));
  return {static_cast<int64_t>(h.As<Napi::Number>().DoubleValue()),
          static_cast<int64_t>(w.As<Napi::Number>().DoubleValue())};
}

std::vector<int64_t> Args::shape(Napi::Value v, const char* name, int rank) {
  LTH_CHECK(v.IsArray(), code::kShape, op_, ": '", name, "' must be an array of dimensions, got ", describe_value(v));
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> s;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value d = a.Get(i);
    double x = d.IsNumber() ? d.As<Napi::Number>().DoubleValue() : NAN;
    LTH_CHECK(std::isfinite(x) && x >= 0 && x == std::floor(x) && x <= 9007199254740991.0, code::kShape, op_, ": '",
              name, "'[", i, "] must be a non-negative integer, got ", describe_value(d));
    s.push_back(static_cast<int64_t>(x));
  }
  LTH_CHECK(rank < 0 || s.size() == static_cast<size_t>(rank), code::kShape, op_, ": '", name, "' must have rank ",
            rank, ", got ", shape_str(s));
  return checked_shape(std::move(s), name);
}

std::vector<int64_t> Args::checked_shape(std::vector<int64_t> s, const char* what) const {
  try {
    numel_of(s);
  } catch (const Error& e) {
    fail(code::kShape, op_, ": ", what, " ", shape_str(s), ": ", e.what());
  }
  return s;
}

void Args::expect_shape(const Tensor& t, const std::vector<int64_t>& shape, const std::string& name) const {
  LTH_CHECK(t.shape == shape, code::kShape, op_, ": '", name, "' must have shape ", shape_str(shape), ", got ",
            t.describe());
}

void Args::expect_rank(const Tensor& t, int rank, const std::string& name, const char* form) const {
  LTH_CHECK(t.shape.size() == static_cast<size_t>(rank), code::kShape, op_, ": '", name, "' must be ", form, " (rank ",
            rank, "), got ", t.describe());
}

void Args::expect_numel_of(const Tensor* t, const Tensor& like, const char* name, const char* like_name) const {
  LTH_CHECK(!t || t->numel() == like.numel(), code::kShape, op_, ": '", name, "' ", t->describe(),
            " must have as many elements as ", like_name, " ", like.describe());
}

Device Args::finish() {
  // Aliasing: a written tensor may share memory only with the arguments the op names as in place.
  for (const Slot& a : slots_) {
    if (!a.out || !a.t) continue;
    for (const Slot& b : slots_) {
      if (&a == &b || !b.t || a.t->buffer != b.t->buffer) continue;
      auto allows = [](const Slot& x, const Slot& y) {
        return std::find(x.in_place_of.begin(), x.in_place_of.end(), y.name) != x.in_place_of.end();
      };
      if (allows(a, b) || allows(b, a)) continue;
      fail(code::kAlias, op_, ": output '", a.name, "' ", a.t == b.t ? "is the same tensor as" : "shares memory with",
           " '", b.name, "'; pass a separate tensor");
    }
  }
  const Slot* first = nullptr;
  for (const Slot& s : slots_) {
    if (!s.t) continue;
    if (s.out) expect_shape(*s.t, s.shape, s.name);
    if (!first) first = &s;
    LTH_CHECK(s.t->device == first->t->device, code::kDevice, op_, ": '", s.name, "' is on ", device_name(s.t->device),
              " but '", first->name, "' is on ", device_name(first->t->device));
  }
  Device d = first ? first->t->device : Device::CPU;
  for (Slot& s : slots_) {
    if (s.t) continue;
    Napi::Object o = make_tensor(env(), checked_shape(s.shape, "output shape"), s.dtype, d);
    s.js = o;
    s.t = &TensorWrap::Unwrap(o)->tensor();
  }
  return d;
}

}  // namespace lth::binding
