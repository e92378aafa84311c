// The scanner ships no types; the test describes the little it uses.
declare module '@doyensec/electronegativity/dist/runner.js';
