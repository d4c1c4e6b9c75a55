// The demo host's own script: lists the widgets' events (progress is summed up, not listed step by step).
const log = document.getElementById("log");
const describe = {
  "commonspace-result": (d) =>
    `${d.images.length} images for "${d.caption}" (seed ${d.seed}, model ${d.version})`,
  "commonspace-error": (d) => `${d.code}: ${d.message}`,
  "commonspace-answer": (d) => `answered task ${d.taskId} with ${d.choice} (${d.judgments} judgments)`,
};
for (const [type, text] of Object.entries(describe)) {
  document.addEventListener(type, (event) => {
    const item = document.createElement("li");
    item.textContent = `#${event.target.id} ${type}: ${text(event.detail)}`;
    log.append(item);
  });
}
