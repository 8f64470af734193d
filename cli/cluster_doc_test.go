package cli

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The part of a Kubernetes batch/v1 Job that docs/cluster.md's manifest uses, with the
// API's field names (k8s.io/api/batch/v1 and core/v1; that module is not imported for a
// test, it would bring in most of Kubernetes' API machinery). Decoded strictly, like
// `kubectl apply --validate=strict`, a misspelt or misplaced field is an error:
// yaml.UnmarshalStrict rejects unknown fields and duplicate keys, and since it matches
// names as encoding/json does, ignoring case, exactNames checks the case as Kubernetes does.
type (
	k8sJob struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			CompletionMode       string `json:"completionMode"`
			Completions          *int   `json:"completions"`
			Parallelism          *int   `json:"parallelism"`
			BackoffLimit         *int   `json:"backoffLimit"`
			BackoffLimitPerIndex *int   `json:"backoffLimitPerIndex"`
			Template             struct {
				Spec struct {
					RestartPolicy string         `json:"restartPolicy"`
					Containers    []k8sContainer `json:"containers"`
					Volumes       []k8sVolume    `json:"volumes"`
				} `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	k8sContainer struct {
		Name      string   `json:"name"`
		Image     string   `json:"image"`
		Command   []string `json:"command"`
		Args      []string `json:"args"`
		Env       []k8sEnv `json:"env"`
		Resources struct {
			Requests map[string]any `json:"requests"`
			Limits   map[string]any `json:"limits"`
		} `json:"resources"`
		VolumeMounts []struct {
			Name      string `json:"name"`
			MountPath string `json:"mountPath"`
			ReadOnly  bool   `json:"readOnly"`
		} `json:"volumeMounts"`
	}
	k8sEnv struct {
		Name      string `json:"name"`
		Value     string `json:"value"`
		ValueFrom *struct {
			FieldRef *struct {
				FieldPath string `json:"fieldPath"`
			} `json:"fieldRef"`
		} `json:"valueFrom"`
	}
	k8sVolume struct {
		Name      string `json:"name"`
		ConfigMap *struct {
			Name string `json:"name"`
		} `json:"configMap"`
		PersistentVolumeClaim *struct {
			ClaimName string `json:"claimName"`
		} `json:"persistentVolumeClaim"`
	}
)

// clusterDocBlock returns the fenced block that follows the line "<!-- cluster-doc: NAME -->"
// in the markdown file at path; other lines, such as further markers, may stand between.
func clusterDocBlock(t *testing.T, path, name string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	marker := fmt.Sprintf("<!-- cluster-doc: %s -->", name)
	var b strings.Builder
	found, in := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !found:
			found = line == marker
		case !in && strings.HasPrefix(line, "```"):
			in = true
		case in && strings.HasPrefix(line, "```"):
			return b.String()
		case in:
			b.WriteString(line + "\n")
		}
	}
	t.Fatalf("%s: no fenced block after %s", path, marker)
	return ""
}

// TestClusterDocJob checks the Indexed Job of docs/cluster.md: it decodes as a Kubernetes
// Job, declares what the program needs (Indexed completion mode, completions equal to
// --shards, JOB_COMPLETION_INDEX), and its container arguments, run by this program with
// the volumes mounted on temporary directories and the last completion index, select the
// last shard and write its results to the writable volume.
func TestClusterDocJob(t *testing.T) {
	const doc = "../docs/cluster.md"
	manifest := []byte(clusterDocBlock(t, doc, "fig5-job.yaml"))
	var job k8sJob
	if err := yaml.UnmarshalStrict(manifest, &job); err != nil {
		t.Fatalf("%s: fig5-job.yaml is not a Job as Kubernetes decodes it: %v", doc, err)
	}
	var generic any
	if err := yaml.Unmarshal(manifest, &generic); err != nil {
		t.Fatal(err)
	}
	if bad := exactNames(reflect.TypeFor[k8sJob](), generic, ""); len(bad) > 0 {
		t.Errorf("%s: fig5-job.yaml: unknown fields (names are case-sensitive): %s", doc, strings.Join(bad, ", "))
	}
	sp := &job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Metadata.Name == "" {
		t.Errorf("apiVersion %q, kind %q, name %q: want a named batch/v1 Job", job.APIVersion, job.Kind, job.Metadata.Name)
	}
	if sp.CompletionMode != "Indexed" {
		t.Errorf("completionMode %q: want Indexed, which gives each pod JOB_COMPLETION_INDEX", sp.CompletionMode)
	}
	if sp.Completions == nil || *sp.Completions < 1 {
		t.Fatalf("completions %s: want the number of shards", showInt(sp.Completions))
	}
	n := *sp.Completions
	if sp.Parallelism == nil || *sp.Parallelism < 1 || *sp.Parallelism > n {
		t.Errorf("parallelism %s: want 1 to completions (%d)", showInt(sp.Parallelism), n)
	}
	if rp := sp.Template.Spec.RestartPolicy; rp != "Never" && rp != "OnFailure" {
		t.Errorf("restartPolicy %q: a Job's pods need Never or OnFailure", rp)
	}
	if len(sp.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(sp.Template.Spec.Containers))
	}
	c := sp.Template.Spec.Containers[0]
	const annotation = "metadata.annotations['batch.kubernetes.io/job-completion-index']"
	index := false
	for _, e := range c.Env {
		index = index || e.Name == "JOB_COMPLETION_INDEX" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
			e.ValueFrom.FieldRef.FieldPath == annotation
	}
	if !index {
		t.Errorf("the container does not set JOB_COMPLETION_INDEX from %s", annotation)
	}
	for _, res := range []map[string]any{c.Resources.Requests, c.Resources.Limits} {
		if res["cpu"] == nil || res["memory"] == nil {
			t.Errorf("resources %v: want cpu and memory", res)
		}
	}

	// Mount every volume on a directory of its own, and give the sweep volume the sweep
	// file the page shows.
	root := t.TempDir()
	volumes := map[string]k8sVolume{}
	for _, v := range sp.Template.Spec.Volumes {
		volumes[v.Name] = v
	}
	args := append([]string(nil), c.Args...)
	var sweepFile, resultsDir string
	for _, m := range c.VolumeMounts {
		v, ok := volumes[m.Name]
		if !ok {
			t.Fatalf("volumeMount %s names no volume", m.Name)
		}
		dir := filepath.Join(root, m.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, a := range args {
			if rest, ok := strings.CutPrefix(a, m.MountPath+"/"); ok {
				args[i] = filepath.Join(dir, rest)
				switch {
				case v.ConfigMap != nil && m.ReadOnly:
					sweepFile = args[i]
				case v.PersistentVolumeClaim != nil && !m.ReadOnly:
					resultsDir = dir
				}
			}
		}
	}
	if sweepFile == "" || resultsDir == "" {
		t.Fatalf("args %q: want the sweep file on the read-only ConfigMap volume and --results on the writable claim", c.Args)
	}
	if err := os.WriteFile(sweepFile, []byte(docTOML(t, doc)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT"} {
		t.Setenv(k, "")
	}
	t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(n-1))
	code, out, errs := runCLI(t, context.Background(), append(args, "--dry-run")...)
	if code != exitOK {
		t.Fatalf("mel-des %q --dry-run: exit %d\n%s%s", c.Args, code, out, errs)
	}
	for _, want := range []string{
		fmt.Sprintf("shard %d/%d:", n-1, n),
		filepath.Join(resultsDir, fmt.Sprintf("fig5-results.shard-%d-of-%d.csv", n-1, n)),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the pod of completion index %d with the Job's args: output lacks %q (completions and --shards must agree):\n%s", n-1, want, out)
		}
	}
}

// showInt shows an optional integer field.
func showInt(p *int) string {
	if p == nil {
		return "(not set)"
	}
	return fmt.Sprint(*p)
}

// exactNames returns the paths of the keys of v, a decoded JSON value, that name no field
// of type t by its exact JSON name.
func exactNames(t reflect.Type, v any, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var bad []string
	switch t.Kind() {
	case reflect.Struct:
		m, _ := v.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fieldByJSONName(t, k)
			if !ok {
				bad = append(bad, path+"."+k)
				continue
			}
			bad = append(bad, exactNames(f.Type, m[k], path+"."+k)...)
		}
	case reflect.Slice:
		l, _ := v.([]any)
		for i, el := range l {
			bad = append(bad, exactNames(t.Elem(), el, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return bad
}

// fieldByJSONName returns the field of struct type t whose json tag names name exactly.
func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// docTOML returns the first TOML block of the markdown file at path: the sweep file the
// page's examples run.
func docTOML(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```toml\n")
	block, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatalf("%s has no TOML block", path)
	}
	return block
}
