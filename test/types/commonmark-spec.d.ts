/** The CommonMark spec's examples, as the `commonmark-spec` package exports them (CommonJS, default-imported). */
declare module "commonmark-spec" {
  interface Example {
    markdown: string;
    html: string;
    section: string;
    number: number;
  }
  const spec: { text: string; tests: Example[] };
  export default spec;
}
