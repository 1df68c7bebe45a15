// The youngest children's form, and the symbols form, one question a screen
// (templates/consultations/little_form.html): a row of dots, Back and Next, and each choice says its
// word when tapped. Without this file every question is on the one page and the form works the same.
(function () {
  "use strict";
  var form = document.querySelector("form.little-form");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".little-step"));
  var dotRow = form.querySelector(".little-dots");
  var dots = Array.prototype.slice.call(dotRow.querySelectorAll("li"));
  var nav = form.querySelector(".little-nav");
  var back = nav.querySelector(".little-back");
  var next = nav.querySelector(".little-next");
  var current = 0;

  function speech() { return window.heardReadAloud || null; }

  function answered(step) {
    if (step.querySelector("input:checked")) return true;
    return Array.prototype.some.call(step.querySelectorAll("textarea"), function (box) { return box.value.trim() !== ""; });
  }

  function mark() {
    dots.forEach(function (dot, index) {
      dot.className = (index === current ? "current " : "") + (answered(steps[index]) ? "done" : "") +
        (index === dots.length - 1 ? " little-dot-finish" : "");
    });
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach(function (step, position) { step.hidden = position !== current; });
    back.hidden = current === 0;
    document.body.classList.toggle("little-welcome-hidden", current > 0);
    next.hidden = current === steps.length - 1;
    mark();
    if (speech()) speech().stop();
    if (focus) {
      // The new question's words take the focus, so a screen reader says them as a sighted child sees them.
      var heading = steps[current].querySelector("legend, h2");
      if (heading) heading.focus();
      window.scrollTo(0, 0);
    }
  }

  form.classList.add("stepping");
  dotRow.hidden = false;
  nav.hidden = false;

  back.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });

  // A tap on a picture says its word (every choice is read aloud), and marks the dot as answered.
  form.addEventListener("click", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".little-pick input")) return;
    var word = input.parentNode.querySelector(".word");
    if (word && speech()) speech().say(word.textContent.trim());
    mark();
  });
  form.addEventListener("input", mark);

  // Enter on a picture would send the whole form from the middle: it goes on to the next screen instead.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName === "TEXTAREA" || event.target.tagName === "BUTTON") return;
    event.preventDefault();
    if (current < steps.length - 1) show(current + 1, true);
  });

  // The error summary's links go to the screen of the question they name.
  document.querySelectorAll("#error-summary a[data-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      show(parseInt(link.getAttribute("data-step"), 10) - 1, true);
    });
  });

  var firstProblem = steps.findIndex(function (step) { return step.classList.contains("has-error"); });
  var summary = document.getElementById("error-summary");
  show(firstProblem >= 0 ? firstProblem : 0, false);
  if (summary) summary.focus();
})();
