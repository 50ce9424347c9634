// GraphiQL on this page (page.html): a file, not inline, for the Content-Security-Policy.
// Left as it is, the placeholder is not sent: the query runs anonymously instead of failing with 401.
const PLACEHOLDER = "Bearer 在此粘贴令牌";
const DEFAULT_HEADERS = JSON.stringify({ Authorization: PLACEHOLDER }, null, 2);
const DEFAULT_QUERY = `# 监管平台 GraphQL 接口
#
# 1. 在下方 Headers（请求头）中，把"在此粘贴令牌"换成你的令牌（jg_ 开头），
#    即 Authorization: Bearer jg_…。如何获取令牌，见页面顶部的说明。
# 2. 按 Ctrl-Enter 或上方的运行按钮执行查询；Ctrl-Space 自动补全。
# 3. 左侧的文档（Docs）按钮列出每个类型和字段的说明。
#
# 例：调用方自身，和前 5 个市场主体（需要部门或维护人员令牌）

{
  viewer { kind role department { code name } }
  entities(first: 5) { edges { node { uscc name status } } }
}
`;

function withoutPlaceholder(init) {
  if (!init || !init.headers || init.headers instanceof Headers) return init;
  const headers = {};
  for (const [name, value] of Object.entries(init.headers)) {
    if (!(name.toLowerCase() === "authorization" && String(value).trim() === PLACEHOLDER)) {
      headers[name] = value;
    }
  }
  return { ...init, headers };
}

// GraphiQL keeps its tabs and history in localStorage, headers included whatever
// shouldPersistHeaders says; a token must not outlive the page on a shared computer.
// The server takes the scheme in any case, and a token pasted anywhere is still a token.
const BEARER = /bearer\s+[^"\\\s]+/gi;
const TOKEN = /jg_[A-Za-z0-9_-]+/g;
const scrubbed = (value) => String(value).replace(BEARER, PLACEHOLDER).replace(TOKEN, "在此粘贴令牌");
const withoutTokens = {
  getItem: (key) => window.localStorage.getItem(key),
  setItem: (key, value) => window.localStorage.setItem(key, scrubbed(value)),
  removeItem: (key) => window.localStorage.removeItem(key),
  clear: () => window.localStorage.clear(),
  key: (index) => window.localStorage.key(index),
  get length() {
    return window.localStorage.length;
  },
};

const url = window.location.origin + window.location.pathname;
const subscriptionUrl = url.replace(/^http/, "ws");
const fetcher = GraphiQL.createFetcher({
  url,
  subscriptionUrl,
  fetch: (input, init) => window.fetch(input, withoutPlaceholder(init)),
});

const root = ReactDOM.createRoot(document.getElementById("graphiql"));
root.render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultHeaders: DEFAULT_HEADERS,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    storage: withoutTokens,
    inputValueDeprecation: true,
  }),
);
