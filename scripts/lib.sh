# lib.sh: shared by scripts/demo and scripts/test (sourced, not run).
#
# Environment: TROUPE_PRESET (default dev), TROUPE_BUILD_DIR (default: the preset's folder,
# build-<preset> at the repository root), TROUPE_JOBS (parallel compile jobs, default: cores).

troupe_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
troupe_preset=${TROUPE_PRESET:-dev}
troupe_build_dir=${TROUPE_BUILD_DIR:-$troupe_root/build-$troupe_preset}
troupe_jobs=${TROUPE_JOBS:-$(nproc 2>/dev/null || echo 2)}

section() {
  printf '\n==== %s ====\n' "$*"
}

# Configures the preset's build folder; an existing one is reused (incremental build).
troupe_configure() {
  section "configure ($troupe_preset preset, $troupe_build_dir)"
  cmake --preset "$troupe_preset" -S "$troupe_root" -B "$troupe_build_dir"
}

# troupe_build [targets...]: builds the given targets, or everything.
troupe_build() {
  section "build ${*:-everything}"
  local targets=()
  (($# > 0)) && targets=(--target "$@")
  cmake --build "$troupe_build_dir" -j "$troupe_jobs" "${targets[@]}"
}
