// The what-if page: report/serve.html with report/serve.css, report/serve.js and the same
// npm-locked vega bundles as the report inline (embedded at build time, report/assets.cmake).
#include <string>
#include <string_view>

#include "amorce/serve.hpp"

namespace amorce::report_assets {
extern const std::string_view vega, vega_lite, vega_embed, serve_html, serve_css, serve_script;
}  // namespace amorce::report_assets

namespace amorce {

namespace {

/// JavaScript inside <script>: "</script" and "<!--" cannot appear literally.
std::string inline_js(std::string_view js) {
  std::string s(js);
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  };
  replace_all("</script", "<\\/script");
  replace_all("</SCRIPT", "<\\/SCRIPT");
  replace_all("<!--", "<\\!--");
  return s;
}

void replace_once(std::string& s, const std::string& what, const std::string& with) {
  if (auto p = s.find(what); p != std::string::npos) s.replace(p, what.size(), with);
}

}  // namespace

std::string what_if_page() {
  namespace a = report_assets;
  if (a::vega.empty() || a::vega_lite.empty() || a::vega_embed.empty() || a::serve_html.empty()) return "";
  std::string html(a::serve_html);
  // scripts last: placeholders are replaced in order so a bundle's text is never searched again
  replace_once(html, "/*AMORCE_CSS*/", std::string(a::serve_css));
  replace_once(html, "/*AMORCE_SCRIPTS*/",
               inline_js(a::vega) + "\n</script>\n<script>\n" + inline_js(a::vega_lite) + "\n</script>\n<script>\n" +
                   inline_js(a::vega_embed) + "\n</script>\n<script>\n" + inline_js(a::serve_script));
  return html;
}

}  // namespace amorce
