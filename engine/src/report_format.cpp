// The report's building blocks shared by its sections (report_detail.hpp): SHA-256 of the
// scenario file, French / English number formatting, HTML and JSON escaping, and the charting
// library's bundles (embedded at build time or read from AMORCE_ASSET_DIR).
#include "report_detail.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "amorce/format.hpp"

namespace amorce::report_assets {
// Defined in the generated report_assets.cpp (empty when the npm packages were missing).
extern const std::string_view vega, vega_lite, vega_embed, css, script;
}  // namespace amorce::report_assets

namespace amorce {

using nlohmann::json;

// ------------------------------------------------------------------------ SHA-256

std::string sha256_hex(const std::string& bytes) {
  static constexpr std::uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg = bytes;
  const std::uint64_t bit_len = static_cast<std::uint64_t>(bytes.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xff));
  auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (std::size_t off = 0; off < msg.size(); off += 64) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (static_cast<std::uint32_t>(static_cast<unsigned char>(msg[off + 4 * i])) << 24) |
             (static_cast<std::uint32_t>(static_cast<unsigned char>(msg[off + 4 * i + 1])) << 16) |
             (static_cast<std::uint32_t>(static_cast<unsigned char>(msg[off + 4 * i + 2])) << 8) |
             static_cast<std::uint32_t>(static_cast<unsigned char>(msg[off + 4 * i + 3]));
    for (int i = 16; i < 64; ++i) {
      std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      std::uint32_t ch = (e & f) ^ (~e & g);
      std::uint32_t t1 = hh + S1 + ch + k[i] + w[i];
      std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      std::uint32_t t2 = S0 + maj;
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::string out;
  for (std::uint32_t x : h) out += fmt::format("{:08x}", x);
  return out;
}

// ------------------------------------------------------------------------ formatting

namespace report_detail {

std::string group_digits(double x, const std::string& sep) { return group_thousands(x, sep); }

std::string fmt_pct(double p, bool fr, int decimals) {
  if (!std::isfinite(p)) return kDash;
  std::string s = fmt::format("{:.{}f}", 100 * p, decimals);
  if (fr) {
    std::replace(s.begin(), s.end(), '.', ',');
    return s + kNbsp + "%";
  }
  return s + "%";
}

std::string fmt_dec(double v, bool fr, int decimals) {
  if (!std::isfinite(v)) return kDash;
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (fr) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

/// A parameter as it reads: plain numbers grouped, expressions kept as written.
std::string fmt_param(const std::string& text, bool fr) {
  std::string t;
  for (char ch : text)
    if (ch != '_') t.push_back(ch);
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (!t.empty() && end && *end == '\0' && std::isfinite(v)) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return group_digits(v, fr ? kNarrowNbsp : ",");
    std::string s = fmt::format("{:g}", v);
    if (fr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }
  return text;
}

/// A value of an input: euros-like magnitudes grouped, small values with 3 significant digits.
std::string fmt_value(double v, bool fr) {
  if (!std::isfinite(v)) return kDash;
  double a = std::fabs(v);
  std::string s;
  if (a >= 1000) return group_digits(v, fr ? kNarrowNbsp : ",");
  if (a == std::floor(a)) s = fmt::format("{:.0f}", v);
  else s = fmt::format("{:.3g}", v);
  if (fr) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o.push_back(c);
    }
  }
  return o;
}

/// JSON inside <script type="application/json">: no "<", ">" or "&" can end the element.
std::string json_island(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    if (c == '<') o += "\\u003c";
    else if (c == '>') o += "\\u003e";
    else if (c == '&') o += "\\u0026";
    else o.push_back(c);
  }
  return o;
}

/// JavaScript inside <script>: "</script" and "<!--" cannot appear literally.
std::string inline_script(std::string_view js) {
  std::string s(js);
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  };
  // source maps are never fetched: drop the comments pointing at them
  for (std::size_t pos; (pos = s.find("//# sourceMappingURL=")) != std::string::npos;) {
    std::size_t end = s.find('\n', pos);
    s.erase(pos, end == std::string::npos ? std::string::npos : end - pos);
  }
  replace_all("</script", "<\\/script");
  replace_all("</SCRIPT", "<\\/SCRIPT");
  replace_all("<!--", "<\\!--");
  return s;
}

std::string read_file(const std::filesystem::path& p, bool* ok) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    *ok = false;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *ok = true;
  return ss.str();
}

bool load_assets(Assets& a, std::string* why) {
  if (!report_assets::vega.empty() && !report_assets::vega_lite.empty() && !report_assets::vega_embed.empty()) {
    a.vega = report_assets::vega;
    a.vega_lite = report_assets::vega_lite;
    a.vega_embed = report_assets::vega_embed;
    a.where = "embedded";
    return true;
  }
  if (const char* dir = std::getenv("AMORCE_ASSET_DIR"); dir && *dir) {
    bool ok1 = false, ok2 = false, ok3 = false;
    std::filesystem::path d(dir);
    a.vega = read_file(d / "vega.min.js", &ok1);
    a.vega_lite = read_file(d / "vega-lite.min.js", &ok2);
    a.vega_embed = read_file(d / "vega-embed.min.js", &ok3);
    if (ok1 && ok2 && ok3 && !a.vega.empty() && !a.vega_lite.empty() && !a.vega_embed.empty()) {
      a.where = d.string();
      return true;
    }
    if (why)
      *why = "AMORCE_ASSET_DIR=" + d.string() + " does not hold vega.min.js, vega-lite.min.js and vega-embed.min.js";
    return false;
  }
  if (why)
    *why =
        "this amorce was built without the charting library (vega, vega-lite, vega-embed): run `npm ci --prefix report` "
        "(needs Node.js and npm), then re-run cmake and rebuild; or set AMORCE_ASSET_DIR to a directory holding "
        "vega.min.js, vega-lite.min.js and vega-embed.min.js";
  return false;
}

std::string today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace report_detail

using namespace report_detail;

std::string format_money(double v, const std::string& lang) {
  if (!std::isfinite(v)) return kDash;
  const double x = std::round(v);
  if (lang == "en") return (x < 0 ? "-€" : "€") + group_digits(std::fabs(x), ",");
  return group_digits(x, kNarrowNbsp) + kNbsp + "€";
}

bool report_assets_available(std::string* why) {
  Assets a;
  return load_assets(a, why);
}


}  // namespace amorce
