// jstat ships no types; only the two distributions the event-study tests use are declared.
declare module 'jstat' {
  export const jStat: {
    studentt: { cdf(x: number, dof: number): number };
    normal: { cdf(x: number, mean: number, std: number): number };
  };
  const _default: { jStat: typeof jStat };
  export default _default;
}
